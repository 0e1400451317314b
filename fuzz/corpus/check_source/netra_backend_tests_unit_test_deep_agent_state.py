"""Unit tests for agent state consumers: Mock / MagicMock / AsyncMock / create_autospec specced on the SSOT class."""

from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, create_autospec

import pytest

from netra_backend.app.schemas.agent_models import DeepAgentState


def test_mock_spec_reads_thread_id() -> None:
    state = Mock(spec=DeepAgentState)
    state.chat_thread_id = "t-1"
    assert state.thread_id


def test_magicmock_sets_quality_metrics() -> None:
    state = MagicMock(spec=DeepAgentState)
    state.quality_metrics = {"score": 1.0}


@pytest.mark.asyncio
async def test_asyncmock_clear_sensitive_data() -> None:
    state = AsyncMock(spec=DeepAgentState)
    await state.clear_sensitive_data()


def test_autospec_validate_isolation() -> None:
    state = create_autospec(DeepAgentState)
    state._validate_user_isolation("user-1")


def test_spec_set_via_module() -> None:
    state = mock.MagicMock(spec_set=DeepAgentState)
    state.thread_id = "t-2"


def test_plain_mock_is_not_tracked() -> None:
    state = MagicMock()
    state.thread_id = "t-3"
    assert state.thread_id == "t-3"


def test_real_state_guarded() -> None:
    state = DeepAgentState(user_request="hello", chat_thread_id="t-4")
    assert getattr(state, "thread_id", None) is None
    assert state.to_dict()["chat_thread_id"] == "t-4"
