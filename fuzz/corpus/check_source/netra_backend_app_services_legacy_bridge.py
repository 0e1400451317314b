"""Legacy bridge: imports DeepAgentState from the re-exporting legacy_exports module (resolves to deprecated)."""

from typing import Any, Dict

from netra_backend.app.agents.legacy_exports import DeepAgentState, PlanStep


def to_legacy_payload(state: DeepAgentState) -> Dict[str, Any]:
    return {"thread_id": state.thread_id, "user_id": state.user_id}


def purge_secrets(state: DeepAgentState) -> Dict[str, Any]:
    return state._sanitize_security_context(state.agent_context)


def first_step(state: DeepAgentState) -> PlanStep:
    return PlanStep(step_id=str(state.step_count), description=state.user_request)
