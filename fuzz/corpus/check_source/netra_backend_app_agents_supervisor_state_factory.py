"""State factory: every instance source (constructor, model_validate, model_copy, merge, alias, walrus, defaults) and non-instances."""

from typing import Any, Dict, List, Optional

from netra_backend.app.schemas.agent_models import DeepAgentState

DEFAULT_STATE = DeepAgentState(user_request="bootstrap")


def default_thread() -> Optional[str]:
    return DEFAULT_STATE.thread_id


def shadowed(DEFAULT_STATE) -> Optional[str]:
    return DEFAULT_STATE.thread_id


def from_payload(payload: Dict[str, Any]) -> Dict[str, Any]:
    validated = DeepAgentState.model_validate(payload)
    copied = validated.model_copy(update={"step_count": 0})
    merged = copied.merge_from(DEFAULT_STATE)
    stepped = merged.increment_step_count()
    updated = stepped.copy_with_updates(final_report="ok")
    alias = updated
    return {
        "validated": validated.thread_id,
        "copied": copied.quality_metrics,
        "merged": merged.thread_id,
        "stepped": stepped.thread_id,
        "updated": updated.thread_id,
        "alias": alias.thread_id,
    }


def annotated_local(payload: Dict[str, Any]) -> None:
    state: DeepAgentState = DeepAgentState.model_validate(payload)
    del state.thread_id


def walrus(requests: List[str]) -> Optional[str]:
    if requests and (first := DeepAgentState(user_request=requests[0])):
        return first.thread_id
    return None


def with_default(state: DeepAgentState = DeepAgentState()) -> bool:
    return state._validate_user_isolation("user-1")


def untyped_default(state=DeepAgentState()) -> Dict[str, Any]:
    return state._sanitize_security_context({})


def not_instances(states: List[DeepAgentState], raw, rows: List[Any]) -> List[Any]:
    seen = [raw.thread_id]
    for s in states:
        seen.append(s.thread_id)
    for row in rows:
        seen.append(row.quality_metrics)
    return seen


def class_level(payload: Dict[str, Any]) -> bool:
    return DeepAgentState._validate_user_isolation(DeepAgentState(), payload["user_id"])
