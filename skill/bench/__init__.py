"""Benchmarks of the skill process (`python -m skill.bench cold-start`)."""
