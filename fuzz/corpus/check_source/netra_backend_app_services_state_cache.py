"""State cache: SSOT import with inline suppressions (specific code, bare, list, non-matching) and a suppressed legacy import."""

from typing import Any, Dict

from netra_backend.app.schemas.agent_models import DeepAgentState


class StateCache:
    """In-process cache of recent agent states, keyed by thread."""

    def __init__(self) -> None:
        self._entries: Dict[str, DeepAgentState] = {}

    def put(self, state: DeepAgentState) -> None:
        self._entries[state.thread_id] = state  # ssot-guard: ignore[SSOT002]

    def get(self, state: DeepAgentState) -> Any:
        return self._entries.get(state.thread_id)  # ssot-guard: ignore

    def evict(self, state: DeepAgentState) -> None:
        self._entries.pop(state.thread_id, None)  # ssot-guard: ignore[SSOT001, SSOT002]

    def touch(self, state: DeepAgentState) -> None:
        state.metadata["cached_thread"] = state.thread_id  # ssot-guard: ignore[SSOT001]


def legacy_lookup(cache: StateCache, payload: Dict[str, Any]) -> Any:
    from netra_backend.app.agents.state import DeepAgentState  # ssot-guard: ignore[SSOT001]

    legacy = DeepAgentState.model_validate(payload)
    return cache.get(legacy) or legacy.thread_id  # ssot-guard: ignore[SSOT002]
