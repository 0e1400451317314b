"""Optimizations sub-agent: star import from the deprecated module that never uses the migrated class (clean)."""

from typing import List

from netra_backend.app.agents.state import *
from netra_backend.app.agents.state import OptimizationsResult


class OptimizationsCoreSubAgent:
    """Produces cost optimizations; needs only OptimizationsResult and PlanStep."""

    def optimize(self, recommendations: List[str]) -> OptimizationsResult:
        return OptimizationsResult(optimization_type="cost", recommendations=recommendations)

    def as_steps(self, result: OptimizationsResult) -> List[PlanStep]:
        return [PlanStep(step_id=str(i), description=r) for i, r in enumerate(result.recommendations)]
