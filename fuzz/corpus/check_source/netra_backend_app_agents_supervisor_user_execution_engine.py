"""User execution engine: `from netra_backend.app.agents import state as st` and `st.DeepAgentState` annotations."""

from typing import Any, Dict

from netra_backend.app.agents import state as st
from netra_backend.app.services.user_execution_context import UserExecutionContext


class UserExecutionEngine:
    """Per-user engine that isolates state between concurrent users."""

    def __init__(self, context: UserExecutionContext) -> None:
        self.context = context

    def bind(self, agent_state: st.DeepAgentState) -> Dict[str, Any]:
        if not agent_state._validate_user_isolation(self.context.user_id):
            raise PermissionError(f"state for {agent_state.user_id} used by {self.context.user_id}")
        return {"thread_id": agent_state.thread_id, "run_id": self.context.run_id}

    def context_thread(self) -> str:
        return self.context.thread_id
