"""Base agent: `from netra_backend.app.agents.state import *` and then uses DeepAgentState."""

import logging
from typing import Any, Dict

from netra_backend.app.agents.state import *

logger = logging.getLogger(__name__)


class BaseAgent:
    """Common lifecycle for all sub-agents."""

    name = "base"

    def new_state(self, request: str) -> "DeepAgentState":
        state = DeepAgentState(user_request=request, quality_metrics={"baseline": 0.0})
        state.add_message("system", f"{self.name} started")
        return state

    def log_state(self, state: DeepAgentState) -> None:
        logger.info("agent %s thread %s step %d", self.name, state.thread_id, state.step_count)

    def export(self, state: DeepAgentState) -> Dict[str, Any]:
        data = state.model_dump()
        data["repr"] = repr(state)
        return data
