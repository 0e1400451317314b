"""SSOT agent models: the single source of truth for DeepAgentState (issue #871)."""

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, ConfigDict


class AgentResult(BaseModel):
    """Outcome of one sub-agent invocation."""

    success: bool
    agent_name: str
    result: Optional[Dict[str, Any]] = None
    error: Optional[str] = None


class DeepAgentState(BaseModel):
    """Agent execution state shared by the supervisor, the sub-agents and WebSocket events."""

    model_config = ConfigDict(extra="ignore")

    user_request: str = "default_request"
    user_prompt: Optional[str] = None
    chat_thread_id: Optional[str] = None
    user_id: Optional[str] = None
    run_id: Optional[str] = None
    agent_input: Optional[Dict[str, Any]] = None
    triage_result: Optional[Dict[str, Any]] = None
    data_result: Optional[Dict[str, Any]] = None
    optimizations_result: Optional[Dict[str, Any]] = None
    action_plan_result: Optional[Dict[str, Any]] = None
    report_result: Optional[Dict[str, Any]] = None
    final_report: Optional[str] = None
    step_count: int = Field(default=0, ge=0)
    messages: List[Dict[str, Any]] = Field(default_factory=list)
    metadata: Dict[str, Any] = Field(default_factory=dict)
    agent_context: Dict[str, Any] = Field(default_factory=dict)
    schema_version: str = "2.0"

    def copy_with_updates(self, **updates: Any) -> "DeepAgentState":
        """Return a copy with the given fields replaced (validated)."""
        return self.model_validate({**self.model_dump(), **updates})

    def to_dict(self) -> dict:
        """Serialise to a plain dict."""
        return self.model_dump()

    def merge_from(self, other: "DeepAgentState") -> "DeepAgentState":
        """Merge messages, metadata and context from another state."""
        return self.copy_with_updates(
            messages=[*self.messages, *other.messages],
            metadata={**self.metadata, **other.metadata},
            agent_context={**self.agent_context, **other.agent_context},
            step_count=max(self.step_count, other.step_count),
        )

    def increment_step_count(self) -> "DeepAgentState":
        """Return a copy with step_count + 1."""
        return self.copy_with_updates(step_count=self.step_count + 1)

    def add_message(self, role: str, content: str, **extra: Any) -> None:
        """Append a chat message with a UTC timestamp."""
        timestamp = datetime.now(timezone.utc).isoformat()
        self.messages.append({"role": role, "content": content, "timestamp": timestamp, **extra})
