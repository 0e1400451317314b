"""Reporting sub-agent: relative `from . import state` and a `state.DeepAgentState` annotation."""

from typing import Any, Dict

from . import state


class ReportingSubAgent:
    """Builds the final report from the accumulated agent results."""

    name = "reporting"

    def build_report(self, agent_state: state.DeepAgentState) -> Dict[str, Any]:
        sections = [agent_state.triage_result, agent_state.data_result, agent_state.action_plan_result]
        return {
            "thread": agent_state.thread_id,
            "sections": [s for s in sections if s],
            "quality": getattr(agent_state, "quality_metrics", {}),
        }
