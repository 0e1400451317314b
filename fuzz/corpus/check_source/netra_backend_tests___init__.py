"""Back-end tests package."""
