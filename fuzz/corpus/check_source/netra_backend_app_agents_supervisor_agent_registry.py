"""Agent registry: deprecated module via `import ... as state_module`; every `state_module.DeepAgentState` is a finding."""

from typing import Dict, Optional

import netra_backend.app.agents.state as state_module


class AgentRegistry:
    """Keeps the last known state per run for the supervisor."""

    def __init__(self) -> None:
        self._states: Dict[str, object] = {}

    def register(self, run_id: str, state: state_module.DeepAgentState) -> None:
        self._states[run_id] = state
        if state.thread_id is None:
            state.thread_id = run_id

    def create(self, run_id: str, user_id: str) -> object:
        fresh = state_module.DeepAgentState(run_id=run_id, user_id=user_id)
        self._states[run_id] = fresh
        return fresh

    def lookup(self, run_id: str) -> Optional[object]:
        return self._states.get(run_id)

    def is_legacy(self, value: object) -> bool:
        return isinstance(value, state_module.DeepAgentState)

    def empty_result(self) -> object:
        return state_module.OptimizationsResult(optimization_type="none")
