"""Mission-critical WebSocket agent events suite: SSOT at module level; a class-body legacy import the methods cannot see."""

from typing import Any, Dict, List

import pytest

from netra_backend.app.schemas.agent_models import DeepAgentState
from netra_backend.app.websocket_core.event_emitter import AgentEventEmitter


class RecordingManager:
    """Collects the events the emitter sends."""

    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    async def send_to_thread(self, thread_id: Any, payload: Dict[str, Any]) -> None:
        self.sent.append({"thread": thread_id, **payload})


class TestWebSocketAgentEvents:
    """The golden-path events must reach the user's thread."""

    from netra_backend.app.agents.state import DeepAgentState

    legacy_class = DeepAgentState

    @pytest.mark.asyncio
    async def test_agent_started_reaches_thread(self):
        manager = RecordingManager()
        state = DeepAgentState(user_request="optimize my costs", chat_thread_id="thread-1", run_id="run-1")
        await AgentEventEmitter(manager).emit_agent_started(state)
        assert manager.sent[0]["thread"] == state.thread_id

    @pytest.mark.asyncio
    async def test_agent_completed_includes_metrics(self):
        manager = RecordingManager()
        state = DeepAgentState(user_request="report", chat_thread_id="thread-2", quality_metrics={"score": 0.8})
        await AgentEventEmitter(manager).emit_agent_completed(state, {"ok": True})
        assert manager.sent[-1]["metrics"] == {"score": 0.8}

    def test_thread_ids_are_isolated(self):
        states = [DeepAgentState(chat_thread_id=f"t-{i}") for i in range(3)]
        assert len({s.chat_thread_id for s in states}) == 3
