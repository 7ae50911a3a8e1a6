"""Class handlers, one module per family of intents; skill.builder registers them in order."""
