"""Mission-critical test suites."""
