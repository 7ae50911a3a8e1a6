"""Retrieval benchmarks (quality on SubjQA, scale); run with `python -m knowledge.bench`."""
