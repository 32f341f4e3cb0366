"""Parsing: each article's lines, roles, dates and outlet, and the corpus tables built from them."""
