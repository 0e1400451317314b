"""Unified WebSocket manager (golden path): module-level deprecated import shadowed by function-local SSOT imports."""

from typing import Any, Dict

from netra_backend.app.agents.state import DeepAgentState


class UnifiedWebSocketManager:
    """Routes agent events to connections, keyed by thread."""

    def __init__(self) -> None:
        self.connections: Dict[str, Any] = {}

    def route_legacy(self, state: DeepAgentState) -> Any:
        return self.connections.get(state.thread_id)

    def route_migrated(self, payload: Dict[str, Any]) -> Any:
        from netra_backend.app.schemas.agent_models import DeepAgentState

        state = DeepAgentState.model_validate(payload)
        return self.connections.get(state.thread_id)


def snapshot(state: DeepAgentState) -> Dict[str, Any]:
    return {"thread_id": state.thread_id, "run_id": state.run_id}


def restore(payload: Dict[str, Any]) -> Any:
    from netra_backend.app.schemas.registry import DeepAgentState

    restored = DeepAgentState.model_validate(payload)
    restored.thread_id = payload.get("thread")
    return restored
