"""Pipeline executor: still on the deprecated module through a parenthesised import list with an alias."""

from typing import Any, Dict, List

from netra_backend.app.agents.state import (
    OptimizationsResult,
    DeepAgentState as LegacyState,
    PlanStep,
)


class PipelineExecutor:
    """Executes an action plan step by step against a legacy state."""

    def __init__(self, steps: List[PlanStep]) -> None:
        self.steps = steps

    def run(self, state: LegacyState) -> LegacyState:
        for step in self.steps:
            state = state.copy_with_updates(action_plan_result={"last_step": step.step_id})
            state.add_message("system", f"completed {step.step_id} for {state.thread_id}")
        state.quality_metrics["pipeline_completion"] = 1.0
        return state

    def apply_optimizations(self, state: LegacyState, result: OptimizationsResult) -> Dict[str, Any]:
        if not state._validate_user_isolation(state.user_id or ""):
            raise PermissionError("cross-user state access")
        return {"type": result.optimization_type, "thread": state.thread_id}
