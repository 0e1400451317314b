"""Agent service: imports DeepAgentState through the SSOT re-export in schemas.registry (resolves to SSOT)."""

from typing import Any, Dict, List

from netra_backend.app.schemas.registry import DeepAgentState
from netra_backend.app.services.user_execution_context import UserExecutionContext


class AgentService:
    """Entry point used by the HTTP routes to start agent runs."""

    def start_run(self, context: UserExecutionContext, request: str) -> DeepAgentState:
        state = DeepAgentState(
            user_request=request,
            user_id=context.user_id,
            run_id=context.run_id,
            thread_id=context.thread_id,
            quality_metrics={"latency_ms": 0.0},
            trace_id="unused",
        )
        return state

    def history(self, states: List[DeepAgentState]) -> List[Dict[str, Any]]:
        return [{"thread_id": s.thread_id} for s in states]

    def describe(self, state: DeepAgentState) -> str:
        alias = state
        thread = alias.thread_id
        return f"run {alias.run_id} thread {thread} metrics {alias.quality_metrics}"
