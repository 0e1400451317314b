"""Old names kept for callers that predate the rename: re-exports the deprecated class as
`AgentState` and `LegacyAgentState` (its own SSOT001). Files that import these never name
DeepAgentState."""

from netra_backend.app.agents.state import DeepAgentState as AgentState

LegacyAgentState = AgentState

__all__ = ["AgentState", "LegacyAgentState"]
