"""Bring your own data: read, map, validate and place a user's file (CLI: python -m lib.ingest)."""
