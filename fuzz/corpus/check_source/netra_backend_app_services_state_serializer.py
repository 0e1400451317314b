"""State serializer: findings in well-formed functions above a final function with a syntax error (unclosed bracket)."""

import json
from typing import Any, Dict

from netra_backend.app.schemas.agent_models import DeepAgentState


def serialize(state: DeepAgentState) -> str:
    return json.dumps({"thread_id": state.thread_id, "run_id": state.run_id})


def deserialize(raw: str) -> DeepAgentState:
    restored = DeepAgentState.model_validate(json.loads(raw))
    restored.quality_metrics = {}
    return restored


def serialize_messages(state: DeepAgentState) -> str:
    payload = {"run_id": state.run_id, "contents": [m["content"] for m in state.messages
    return json.dumps(payload
