"""Legacy export surface kept for old plugins: re-exports the deprecated DeepAgentState (its own SSOT001)."""

from netra_backend.app.agents.state import DeepAgentState, PlanStep

__all__ = ["DeepAgentState", "PlanStep"]
