"""Exports: print-ready maps (and, later, directory documents)."""
