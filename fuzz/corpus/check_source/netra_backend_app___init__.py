"""Netra application package."""
