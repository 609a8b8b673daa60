"""Exploring the directory: filter state, the fast filter index, the filtered model."""
