"""The cook scene (a Thai restaurant kitchen); its model is built by generate.py."""
