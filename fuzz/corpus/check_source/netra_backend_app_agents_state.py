"""Deprecated agent state models; DeepAgentState moved to netra_backend.app.schemas.agent_models (issue #871)."""

import warnings
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, ConfigDict

warnings.warn(
    "netra_backend.app.agents.state is deprecated; import DeepAgentState from "
    "netra_backend.app.schemas.agent_models instead",
    DeprecationWarning,
    stacklevel=2,
)


class OptimizationsResult(BaseModel):
    """Result of the optimizations sub-agent (not part of the migration)."""

    model_config = ConfigDict(frozen=True)

    optimization_type: str
    recommendations: List[str] = Field(default_factory=list)
    cost_savings: float = 0.0
    confidence_score: float = 0.0


class PlanStep(BaseModel):
    """One step of an action plan (not part of the migration)."""

    step_id: str
    description: str
    estimated_duration: Optional[str] = None
    dependencies: List[str] = Field(default_factory=list)


class DeepAgentState(BaseModel):
    """Deprecated: use netra_backend.app.schemas.agent_models.DeepAgentState."""

    user_request: str = "default_request"
    user_prompt: Optional[str] = None
    chat_thread_id: Optional[str] = None
    user_id: Optional[str] = None
    run_id: Optional[str] = None
    agent_input: Optional[Dict[str, Any]] = None
    triage_result: Optional[Dict[str, Any]] = None
    data_result: Optional[Dict[str, Any]] = None
    optimizations_result: Optional[OptimizationsResult] = None
    action_plan_result: Optional[Dict[str, Any]] = None
    report_result: Optional[Dict[str, Any]] = None
    final_report: Optional[str] = None
    step_count: int = Field(default=0, ge=0)
    messages: List[Dict[str, Any]] = Field(default_factory=list)
    metadata: Dict[str, Any] = Field(default_factory=dict)
    agent_context: Dict[str, Any] = Field(default_factory=dict)
    quality_metrics: Dict[str, float] = Field(default_factory=dict)

    @property
    def thread_id(self) -> Optional[str]:
        """Backward-compatible alias for chat_thread_id."""
        return self.chat_thread_id

    @thread_id.setter
    def thread_id(self, value: Optional[str]) -> None:
        self.chat_thread_id = value

    def copy_with_updates(self, **updates: Any) -> "DeepAgentState":
        """Return a copy with the given fields replaced."""
        return self.model_copy(update=updates)

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

    def clear_sensitive_data(self) -> "DeepAgentState":
        """Return a copy without secrets in the context or metadata."""
        return self.copy_with_updates(
            agent_context=self._sanitize_security_context(self.agent_context),
            metadata={k: v for k, v in self.metadata.items() if not k.startswith("secret_")},
        )

    def _validate_user_isolation(self, user_id: str) -> bool:
        return self.user_id is None or self.user_id == user_id

    def _sanitize_security_context(self, context: Dict[str, Any]) -> Dict[str, Any]:
        sensitive = {"api_key", "auth_token", "password", "session_secret"}
        return {k: v for k, v in context.items() if k not in sensitive}

    def model_dump(self, **kwargs: Any) -> Dict[str, Any]:
        """Legacy dumps also carried the thread id under its old key."""
        data = super().model_dump(**kwargs)
        data["thread_id"] = self.chat_thread_id
        return data

    def __repr__(self) -> str:
        return f"DeepAgentState(run_id={self.run_id!r}, chat_thread_id={self.chat_thread_id!r}, step_count={self.step_count})"
