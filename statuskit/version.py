"""The statuskit version (at the bottom: every layer may name it)."""

__version__ = "0.1.0"
