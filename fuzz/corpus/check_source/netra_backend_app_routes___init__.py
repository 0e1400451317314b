"""HTTP routes package."""
