"""Supervisor package: orchestration of sub-agents (golden path)."""
