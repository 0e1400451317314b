"""Data sub-agent: relative `from ..state import DeepAgentState` (deprecated), walrus and parameter-default instances."""

from typing import Any, Dict, Optional

from ..state import DeepAgentState


class DataSubAgent:
    """Fetches usage data for the optimization pipeline."""

    def collect(self, rows: list, state=DeepAgentState()) -> Dict[str, Any]:
        state.data_result = {"rows": len(rows)}
        return {"thread": state.thread_id, "rows": len(rows)}

    def bootstrap(self, request: Optional[str]) -> Dict[str, Any]:
        if (seed := DeepAgentState(user_request=request or "data")) is not None:
            seed.metadata["source"] = "data_agent"
        return {"seed_thread": seed.thread_id}
