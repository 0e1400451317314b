"""Supervisor execution context: dataclass field `state: DeepAgentState` and `self.x` instance attributes across methods."""

from dataclasses import dataclass, field
from typing import Any, Dict, List

from netra_backend.app.schemas.agent_models import DeepAgentState


@dataclass
class AgentExecutionContext:
    """Everything one agent run needs: the state, the retry budget and the event log."""

    state: DeepAgentState
    retries: int = 0
    events: List[str] = field(default_factory=list)

    def thread(self) -> str:
        return self.state.thread_id

    def record(self, event: str) -> None:
        self.events.append(f"{event}@{self.state.thread_id}")


class AgentRunTracker:
    """Tracks the current and the previous state of one run."""

    def start(self, payload: Dict[str, Any]) -> None:
        self.current = DeepAgentState.model_validate(payload)

    def rotate(self, incoming: DeepAgentState) -> None:
        self.previous: DeepAgentState = self.current
        self.current = incoming

    def thread_changed(self) -> bool:
        return self.current.thread_id != self.previous.chat_thread_id

    def metrics(self) -> Dict[str, float]:
        return self.previous.quality_metrics
