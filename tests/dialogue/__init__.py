"""Tests of the dialogue layer."""
