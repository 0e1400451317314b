"""Data sub-agent package."""
