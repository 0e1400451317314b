"""Thread service: clean look-alikes only (UserExecutionContext aliased as DeepAgentState, thread_id on other objects)."""

from typing import Any, Dict, List

from netra_backend.app.agents.state import OptimizationsResult, PlanStep
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.services.user_execution_context import UserExecutionContext as DeepAgentState

# Historical note: DeepAgentState.thread_id used to be read here; see issue #871.
MIGRATION_NOTE = "DeepAgentState.thread_id was replaced by chat_thread_id"


class MockDeepAgentState:
    """Test double with a thread_id of its own."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        self.quality_metrics: Dict[str, float] = {}


class ThreadService:
    """Creates and resolves chat threads."""

    def thread_for(self, state: UserExecutionContext) -> str:
        return state.thread_id

    def build(self, thread_id: str, user_id: str) -> DeepAgentState:
        ctx = DeepAgentState(thread_id=thread_id, user_id=user_id, run_id="run-0", request_text="")
        ctx.thread_id = thread_id
        return ctx

    def describe(self, ctx: DeepAgentState) -> str:
        return f"{ctx.thread_id}:{getattr(ctx, 'thread_id', None)}:{hasattr(ctx, 'thread_id')}"

    def mock_thread(self, mock_state: MockDeepAgentState) -> str:
        mock_state.quality_metrics["calls"] = 1.0
        return mock_state.thread_id

    def unannotated(self, state, items: List[Any]) -> List[str]:
        ids = [state.thread_id]
        for item in items:
            ids.append(item.thread_id)
        return ids

    def plan(self, result: OptimizationsResult) -> List[PlanStep]:
        return [PlanStep(step_id="1", description=result.optimization_type)]
