"""Fixity: the safe walk of the corpus, hashing, and the inventory diff against INDEX.md."""
