"""Triage sub-agent: relative `from .state import DeepAgentState` (deprecated) and a risky constructor keyword."""

from typing import Any, Dict

from .state import DeepAgentState


class TriageSubAgent:
    """Classifies the user request before the supervisor routes it."""

    def create_state(self, request: str, thread: str, user_id: str) -> DeepAgentState:
        return DeepAgentState(
            user_request=request,
            thread_id=thread,
            user_id=user_id,
            priority="normal",
        )

    def triage(self, agent_state: DeepAgentState) -> Dict[str, Any]:
        category = "optimization" if "cost" in agent_state.user_request else "general"
        agent_state.triage_result = {"category": category}
        agent_state.quality_metrics["triage_confidence"] = 0.9
        return {"thread_id": agent_state.thread_id, "category": category}
