"""Content-team commands for the interaction model (run them as `python -m skill model ...`)."""
