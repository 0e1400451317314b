"""User execution context: per-request identifiers with their own thread_id (not part of the migration)."""

from dataclasses import dataclass, field
from typing import Any, Dict


@dataclass
class UserExecutionContext:
    """Per-request context passed down the agent stack."""

    user_id: str
    thread_id: str
    run_id: str
    request_text: str = ""
    metadata: Dict[str, Any] = field(default_factory=dict)
