"""Netra back end package."""
