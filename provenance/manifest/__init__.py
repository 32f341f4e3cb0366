"""INDEX.md, the manifest: its model, streaming reader, rendering, and the rules for the names it holds."""
