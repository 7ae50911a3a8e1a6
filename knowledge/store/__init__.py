"""Store backends behind one protocol."""
