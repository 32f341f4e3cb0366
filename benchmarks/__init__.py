"""Benchmarks of corpus-audit against named peers (`nox -s bench`)."""
