"""Comptoir's server: the one process that owns the database and every HTTP surface."""

__version__ = "0.1.0"
