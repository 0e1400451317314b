"""Workflow orchestrator: plain `import netra_backend.app.agents.state` and full dotted references."""

import netra_backend.app.agents.state
from netra_backend.app.services.user_execution_context import UserExecutionContext


class WorkflowOrchestrator:
    """Chains the triage, data, optimizations and reporting agents."""

    def start(self, context: UserExecutionContext) -> object:
        return netra_backend.app.agents.state.DeepAgentState(
            user_request=context.request_text,
            chat_thread_id=context.thread_id,
            user_id=context.user_id,
        )

    def advance(self, state: netra_backend.app.agents.state.DeepAgentState, stage: str) -> None:
        state.metadata["stage"] = stage
        state.metadata["thread"] = state.thread_id

    def plan_step(self, stage: str) -> object:
        return netra_backend.app.agents.state.PlanStep(step_id=stage, description=f"run {stage}")
