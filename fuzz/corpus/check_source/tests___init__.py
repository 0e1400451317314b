"""Top-level test suites."""
