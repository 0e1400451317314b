"""WebSocket event validator (golden path): deprecated import under TYPE_CHECKING, used in string annotations."""

from typing import TYPE_CHECKING, Any, Dict, Optional

if TYPE_CHECKING:
    from netra_backend.app.agents.state import DeepAgentState


def validate_event(state: "DeepAgentState", event: Dict[str, Any]) -> bool:
    return event.get("thread") == state.thread_id


def has_legacy_thread(state: "DeepAgentState") -> bool:
    return hasattr(state, "thread_id")


def has_user(state: "DeepAgentState") -> bool:
    return hasattr(state, "user_id") and getattr(state, "chat_thread_id", None) is not None
