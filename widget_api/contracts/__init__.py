"""Pydantic models of the HTTP contract, shared by the server and the dashboard (kept light)."""
