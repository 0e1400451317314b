"""Debug snapshot: defines its own local `class DeepAgentState` (unrelated to the migrated class; clean)."""

from dataclasses import dataclass, field
from typing import Dict


@dataclass
class DeepAgentState:
    """Lightweight snapshot used by the debug endpoint."""

    thread_id: str
    quality_metrics: Dict[str, float] = field(default_factory=dict)

    def clear_sensitive_data(self) -> None:
        self.quality_metrics.clear()


def snapshot(thread: str) -> DeepAgentState:
    snap = DeepAgentState(thread_id=thread, quality_metrics={})
    snap.clear_sensitive_data()
    return snap


def thread_of(snap: DeepAgentState) -> str:
    return snap.thread_id
