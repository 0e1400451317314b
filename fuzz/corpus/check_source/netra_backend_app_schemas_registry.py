"""Schema registry: re-exports the SSOT DeepAgentState so callers can import it from one place."""

from typing import Dict, Type

from pydantic import BaseModel

from netra_backend.app.schemas.agent_models import AgentResult, DeepAgentState

__all__ = ["AgentResult", "DeepAgentState", "SCHEMA_REGISTRY"]

SCHEMA_REGISTRY: Dict[str, Type[BaseModel]] = {
    "AgentResult": AgentResult,
    "DeepAgentState": DeepAgentState,
}
