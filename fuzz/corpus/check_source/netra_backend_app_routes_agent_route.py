"""Agent HTTP route: SSOT via `from netra_backend.app.schemas import agent_models` and full dotted module attributes."""

from typing import Any, Dict

import netra_backend.app.schemas.agent_models
from netra_backend.app.schemas import agent_models


async def get_agent_state(state: agent_models.DeepAgentState) -> Dict[str, Any]:
    return {"thread_id": state.thread_id, "step": state.step_count}


async def reset_agent_state(state: agent_models.DeepAgentState) -> Dict[str, Any]:
    state.quality_metrics = {}
    return state.to_dict()


async def delete_agent_thread(state: netra_backend.app.schemas.agent_models.DeepAgentState) -> None:
    delattr(state, "thread_id")
