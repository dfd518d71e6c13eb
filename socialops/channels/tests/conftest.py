from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socialops.channels import actions
from socialops.channels.models import Channel
from socialops.channels.tests.fakes import SECRET, registered
from socialops.conftest import Team


@pytest.fixture
def fakes() -> Iterator[None]:
    with registered():
        yield


def connect_fake(team: Team, handle: str, persona: str = "alice", **profile: Any) -> Channel:
    from socialops.channels.tests.fakes import FakeFormConnector

    FakeFormConnector.profiles[handle] = profile
    return actions.connect_channel(
        access=team.access(persona),
        connector="fakeform",
        fields={"handle": handle, "password": SECRET},
        platform="weibo",
    )
