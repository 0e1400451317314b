"""WebSocket message handlers (golden path): try/except ImportError fallback from the SSOT to the deprecated module."""

import json
import logging
from typing import Any, Dict

try:
    from netra_backend.app.schemas.agent_models import DeepAgentState
except ImportError:  # pragma: no cover - legacy deployments
    from netra_backend.app.agents.state import DeepAgentState

logger = logging.getLogger(__name__)


class AgentMessageHandler:
    """Handles start_agent and user_message frames from the client."""

    async def handle_start_agent(self, payload: Dict[str, Any]) -> DeepAgentState:
        state = DeepAgentState(
            user_request=payload.get("request", ""),
            user_id=payload.get("user_id"),
            quality_metrics=payload.get("metrics", {}),
        )
        logger.info("agent started on thread %s", state.thread_id)
        return state

    async def handle_user_message(self, state: DeepAgentState, raw: str) -> str:
        message = json.loads(raw)
        state.add_message("user", message.get("text", ""))
        setattr(state, "thread_id", message.get("thread_id"))
        return json.dumps({"thread_id": state.chat_thread_id})
