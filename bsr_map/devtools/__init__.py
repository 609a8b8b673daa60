"""Development-only helpers (not used by the application at run time).

The basemap build, a local PostgreSQL server for tests and benchmarks, and a
synthetic directory of any size for benchmarks.
"""
