"""Agents package: supervisor and sub-agents."""
