"""The first pass: reading each glTF object from JSON with the reference's schema checks.

Each `parse_*` reads one JSON object at the context's current path and returns a typed object
(`objects.py`) holding indices (-1 when absent or invalid); `link/` resolves them afterwards.
One module per concept.
"""
