"""WebSocket core package (golden path: event delivery)."""
