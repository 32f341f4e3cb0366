"""The audit: validate's stages, results, waivers and the gate, and audit.json."""
