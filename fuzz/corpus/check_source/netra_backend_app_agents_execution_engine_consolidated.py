"""Consolidated execution engine (golden path): SSOT parenthesised import; thread_id inside f-strings; guarded getattr."""

from typing import Any, Dict

from netra_backend.app.schemas.agent_models import (
    DeepAgentState,
)


async def execute_with_state(engine: Any, state: DeepAgentState) -> Dict[str, Any]:
    await engine.notify(f"agent_started thread={state.thread_id!r} run={state.run_id}")
    result = await engine.run(state)
    final = state.copy_with_updates(final_report=str(result))
    await engine.notify(f"agent_completed metrics={final.quality_metrics}")
    return {"thread_id": final.chat_thread_id, "result": result}


def ensure_isolated(state: DeepAgentState, user_id: str) -> None:
    if not getattr(state, "_validate_user_isolation", lambda _u: True)(user_id):
        raise PermissionError(user_id)
