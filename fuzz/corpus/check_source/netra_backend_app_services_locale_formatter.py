# -*- coding: latin-1 -*-
"""Locale formatter: Latin-1 encoded source (coding cookie, 0xE9 bytes in comments) that still has a finding."""

from netra_backend.app.schemas.agent_models import DeepAgentState

# Formats the résumé line shown in the café demo; these comment bytes are Latin-1.


def format_summary(state: DeepAgentState) -> str:
    # Préfixe du fil de discussion
    return "Summary for thread %s" % state.thread_id
