"""Supervisor agent: deprecated `import DeepAgentState as AgentState`, a closure over an instance, Union annotations."""

import logging
from typing import Any, Callable, Dict, Union

from netra_backend.app.agents.state import DeepAgentState as AgentState

logger = logging.getLogger(__name__)


class SupervisorAgent:
    """Routes a request through triage, data, optimizations, actions and reporting."""

    def __init__(self, llm_manager: Any) -> None:
        self.llm_manager = llm_manager

    async def run(self, request: str, thread: str, user_id: str) -> AgentState:
        state = AgentState(user_request=request, chat_thread_id=thread, user_id=user_id)
        state = state.increment_step_count()
        logger.info("supervisor run for thread %s", state.thread_id)
        return state

    def on_event(self, state: Union[AgentState, None]) -> Callable[[str], str]:
        def callback(event: str) -> str:
            return f"{event}:{state.thread_id}"

        return callback

    def redact(self, state: AgentState) -> Dict[str, Any]:
        state.agent_context = state._sanitize_security_context(state.agent_context)
        return state.to_dict()
