"""Benchmarks of the dialogue layer: turn latency (python -m dialogue.bench) and generators (python -m dialogue.bench.generators)."""
