"""Session export: uses the deprecated class only through the aliases of agents.compat."""

from netra_backend.app.agents import compat
from netra_backend.app.agents.compat import AgentState


def export_session(state: AgentState) -> dict:
    return {"thread": state.thread_id, "user": state.user_id}


def restore_session(payload: dict) -> "compat.LegacyAgentState":
    return compat.LegacyAgentState(thread_id=payload["thread"])
