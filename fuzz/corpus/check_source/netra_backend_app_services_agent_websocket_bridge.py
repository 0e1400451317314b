"""Agent WebSocket bridge (golden path): each function imports DeepAgentState from a different module."""

from typing import Any, Dict


def legacy_event(payload: Dict[str, Any]) -> Dict[str, Any]:
    from netra_backend.app.agents.state import DeepAgentState

    state = DeepAgentState.model_validate(payload)
    return {"thread_id": state.thread_id, "event": "legacy"}


def migrated_event(payload: Dict[str, Any]) -> Dict[str, Any]:
    from netra_backend.app.schemas.agent_models import DeepAgentState

    state = DeepAgentState.model_validate(payload)
    return {"thread_id": state.thread_id, "event": "migrated"}


def aliased_event(payload: Dict[str, Any]) -> Dict[str, Any]:
    from netra_backend.app.schemas.agent_models import DeepAgentState as AgentState

    state = AgentState(**payload)
    state = state.model_copy(update={"final_report": "done"})
    return {"thread_id": state.thread_id}


def registry_event(payload: Dict[str, Any]) -> Dict[str, Any]:
    from netra_backend.app.schemas.registry import DeepAgentState

    template = DeepAgentState()
    state = template.copy_with_updates(**payload)
    if hasattr(state, "thread_id"):
        return {"thread_id": state.chat_thread_id}
    return {}
