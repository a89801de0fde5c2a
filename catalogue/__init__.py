"""Video screening and media asset catalogue."""

__version__ = "0.1.0"
