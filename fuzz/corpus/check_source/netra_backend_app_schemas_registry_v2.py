"""Schema registry v2 (work in progress): exists in the tree but does not export the agent state yet."""

from typing import Dict, Type

from pydantic import BaseModel


class AgentRunSummary(BaseModel):
    """Summary row shown in the run history."""

    run_id: str
    status: str = "pending"


SCHEMA_REGISTRY_V2: Dict[str, Type[BaseModel]] = {"AgentRunSummary": AgentRunSummary}
