"""The version of pressexport."""

__version__ = "0.1.0"
