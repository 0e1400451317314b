"""State migration v2: imports DeepAgentState from schemas.registry_v2, which exists but does not define it."""

from typing import Any, Dict, List

from netra_backend.app.schemas.registry_v2 import SCHEMA_REGISTRY_V2, DeepAgentState


def migrate(payload: Dict[str, Any]) -> Any:
    model = SCHEMA_REGISTRY_V2.get("AgentRunSummary")
    return model(**payload) if model else DeepAgentState(**payload)


def migrate_batch(payloads: List[Dict[str, Any]]) -> Any:
    from netra_backend.app.schemas.registry_v2 import (
        AgentRunSummary,
        DeepAgentState as StateV2,
    )

    return [AgentRunSummary(**p) for p in payloads], StateV2
