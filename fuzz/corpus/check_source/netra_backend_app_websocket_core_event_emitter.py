"""WebSocket event emitter (golden path): SSOT import under TYPE_CHECKING with string annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional

if TYPE_CHECKING:
    from netra_backend.app.schemas.agent_models import DeepAgentState


class AgentEventEmitter:
    """Emits agent_started / agent_thinking / agent_completed events to the user's thread."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    async def emit_agent_started(self, state: "DeepAgentState") -> None:
        await self.manager.send_to_thread(state.thread_id, {"type": "agent_started", "run_id": state.run_id})

    async def emit_agent_thinking(self, state: "Optional[DeepAgentState]", thought: str) -> None:
        if state is None:
            return
        await self.manager.send_to_thread(state.chat_thread_id or state.thread_id, {"type": "agent_thinking", "thought": thought})

    async def emit_agent_completed(self, state: DeepAgentState, result: Dict[str, Any]) -> None:
        payload = {"type": "agent_completed", "result": result, "metrics": state.quality_metrics}
        await self.manager.send_to_thread(getattr(state, "thread_id"), payload)
