"""Actions sub-agent: `from netra_backend.app.agents import state` then `state.DeepAgentState`; augmented write."""

from typing import List

from netra_backend.app.agents import state
from netra_backend.app.agents.state import PlanStep


class ActionsToMeetGoalsSubAgent:
    """Turns optimization results into an action plan."""

    def plan(self, agent_state: state.DeepAgentState) -> List[PlanStep]:
        steps = [PlanStep(step_id="1", description="review optimizations")]
        agent_state.action_plan_result = {"steps": [s.step_id for s in steps]}
        agent_state.step_count += 1
        agent_state.thread_id += ":planned"
        return steps

    def noop_step(self) -> PlanStep:
        return state.PlanStep(step_id="0", description="noop")
