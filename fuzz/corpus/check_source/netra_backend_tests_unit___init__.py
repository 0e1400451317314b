"""Unit tests package."""
