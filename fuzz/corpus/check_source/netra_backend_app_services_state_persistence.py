"""State persistence: `from ..agents.state import DeepAgentState` and `self.x` instance attributes used across methods."""

import json
from typing import Any, Dict

from ..agents.state import DeepAgentState


class StatePersistenceService:
    """Saves and restores agent state snapshots in Redis."""

    def __init__(self, redis_client: Any) -> None:
        self.redis = redis_client
        self.current = DeepAgentState()
        self.last_saved: DeepAgentState = self.current

    def key_for(self) -> str:
        return f"agent_state:{self.current.thread_id}"

    async def save(self) -> None:
        snapshot = self.current.clear_sensitive_data()
        await self.redis.set(self.key_for(), json.dumps(snapshot.model_dump()))
        self.last_saved = self.current

    async def restore(self, raw: str) -> DeepAgentState:
        data: Dict[str, Any] = json.loads(raw)
        self.current = DeepAgentState.model_validate(data)
        if self.last_saved.thread_id != data.get("thread_id"):
            self.last_saved = self.current
        return self.current
