"""Reports for stewards and CI, each rendered from the data of audit.json (see data.py)."""
