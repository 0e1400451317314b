"""Application services package."""
