"""bsr-map: the Baltic Sea Region Investment Map."""

__version__ = "0.1.0"
