"""Supervisor execution engine: migrated to the SSOT class but still reads and writes thread_id (the real bug)."""

import logging
from typing import Any, Dict, List, Optional, Union

from netra_backend.app.schemas.agent_models import DeepAgentState
from netra_backend.app.services.user_execution_context import UserExecutionContext

logger = logging.getLogger(__name__)


class ExecutionEngine:
    """Runs the sub-agents for one user request and emits progress events."""

    def __init__(self, websocket_notifier: Any) -> None:
        self.websocket_notifier = websocket_notifier
        self.active_runs: Dict[str, Any] = {}

    async def execute_agent(self, state: DeepAgentState, context: UserExecutionContext) -> DeepAgentState:
        thread_id = state.thread_id
        logger.info(f"Executing run {state.run_id} on thread {state.thread_id}")
        if context.thread_id != thread_id:
            logger.warning("thread mismatch for run %s", context.run_id)
        self.active_runs[context.run_id] = state
        next_state = state.increment_step_count()
        await self.websocket_notifier.send_agent_started(next_state.thread_id, next_state.run_id)
        return next_state

    async def resume_run(self, state: Optional[DeepAgentState], thread_hint: str) -> None:
        if state is None:
            return
        state.thread_id = thread_hint
        state.add_message("system", "resumed")

    def finalize(self, state: "DeepAgentState", report: str) -> Dict[str, Any]:
        updated = state.copy_with_updates(final_report=report)
        cleaned = updated.clear_sensitive_data()
        return {"thread": updated.chat_thread_id, "cleaned": cleaned}

    def merge_branches(self, primary: DeepAgentState | None, secondary: Union[DeepAgentState, None]) -> Optional[DeepAgentState]:
        if primary is None or secondary is None:
            return primary or secondary
        merged = primary.merge_from(secondary)
        merged.quality_metrics["branches"] = 2.0
        if hasattr(secondary, "thread_id"):
            logger.debug("secondary thread %s", getattr(secondary, "thread_id", None))
        return merged

    def summarize(self, states: List[DeepAgentState]) -> List[Optional[str]]:
        return [s.chat_thread_id for s in states]
