"""Cursor pagination: follow `next` to the end and see every row exactly once."""

from __future__ import annotations

import base64

import pytest
from django.conf import settings

from socialops.accounts.models import Membership
from socialops.accounts.roles import Role
from socialops.conftest import ApiClient, error_of, make_user
from socialops.core import audit
from socialops.core.models import AuditEvent


def walk(client: ApiClient, path: str, params: dict[str, object] | None = None) -> list[list[int]]:
    """Ids on each page, following `next` until there is none."""
    pages: list[list[int]] = []
    response = client.get(path, params or {})
    while True:
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        pages.append([item["id"] for item in body["results"]])
        if body["next"] is None:
            return pages
        assert len(pages) < 1000, "pagination does not end"
        response = client.client.get(body["next"])


@pytest.fixture
def many_events(team) -> list[int]:
    for number in range(123):
        audit.record(action=f"test.event_{number}", workspace=team.workspace, actor=team.alice)
    return list(
        AuditEvent.objects.filter(workspace=team.workspace)
        .order_by("-id")
        .values_list("id", flat=True)
    )


def test_it_walks_the_audit_log_in_default_pages_without_duplicates_or_gaps(team, many_events):
    pages = walk(team.api("erin"), "/audit-events")

    per_page = settings.NINJA_PAGINATION_PER_PAGE
    assert [len(page) for page in pages[:-1]] == [per_page] * (len(pages) - 1)
    seen = [item for page in pages for item in page]
    # erin's token adds one event (token.created) before the walk starts
    expected = list(
        AuditEvent.objects.filter(workspace=team.workspace)
        .order_by("-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    assert len(seen) == len(set(seen)) > per_page * 2


@pytest.mark.parametrize("page_size", [1, 7, 50, 124, 200])
def test_it_walks_with_any_page_size(team, many_events, page_size):
    client = team.api("erin")
    expected = list(
        AuditEvent.objects.filter(workspace=team.workspace)
        .order_by("-id")
        .values_list("id", flat=True)
    )

    pages = walk(client, "/audit-events", {"page_size": page_size})

    assert [item for page in pages for item in page] == expected
    assert all(len(page) == page_size for page in pages[:-1])


def test_it_keeps_filters_while_paging(team, many_events):
    pages = walk(team.api("erin"), "/audit-events", {"action": "test.event_1", "page_size": 4})

    actions = AuditEvent.objects.filter(id__in=[i for page in pages for i in page]).values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        f"test.event_{n}" for n in range(123) if str(n).startswith("1")
    )


def test_it_does_not_skip_rows_added_while_paging(team, many_events):
    client = team.api("erin")
    first = client.get("/audit-events", {"page_size": 10}).json()
    audit.record(action="test.late", workspace=team.workspace, actor=team.alice)

    rest = walk_from(client, first["next"])

    seen = [item["id"] for item in first["results"]] + rest
    assert len(seen) == len(set(seen))
    older = AuditEvent.objects.filter(workspace=team.workspace, id__lte=first["results"][0]["id"])
    assert set(seen) == set(older.values_list("id", flat=True))


def walk_from(client: ApiClient, url: str | None) -> list[int]:
    ids: list[int] = []
    while url:
        body = client.client.get(url).json()
        ids += [item["id"] for item in body["results"]]
        url = body["next"]
    return ids


def test_it_pages_members_in_the_order_they_joined(team):
    for number in range(55):
        Membership.objects.create(
            workspace=team.workspace, user=make_user(f"member{number}"), role=Role.AGENT
        )
    expected = list(
        Membership.objects.filter(workspace=team.workspace)
        .order_by("id")
        .values_list("id", flat=True)
    )

    pages = walk(team.api("carol"), "/members", {"page_size": 20})

    assert [item for page in pages for item in page] == expected
    assert [len(page) for page in pages] == [20, 20, 20]


def test_it_goes_back_with_previous(team, many_events):
    client = team.api("erin")
    first = client.get("/audit-events", {"page_size": 5}).json()
    second = client.client.get(first["next"]).json()

    back = client.client.get(second["previous"]).json()

    assert first["previous"] is None
    assert [item["id"] for item in back["results"]] == [item["id"] for item in first["results"]]


def test_it_caps_the_page_size(team):
    AuditEvent.objects.bulk_create(
        AuditEvent(workspace=team.workspace, action="test.bulk") for _ in range(210)
    )

    body = team.api("erin").get("/audit-events", {"page_size": 100000}).json()

    assert len(body["results"]) == settings.NINJA_MAX_PER_PAGE_SIZE == 200
    assert body["next"] is not None


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "%%%",
        _cursor("o=-1"),
        _cursor("o=100000"),
        _cursor("p=abc"),
        _cursor("p=中文"),
        _cursor("r=perhaps"),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
@pytest.mark.parametrize("path", ["/audit-events", "/members", "/tokens", "/workspaces"])
def test_it_refuses_a_damaged_cursor_with_a_422(team, path, cursor):
    response = team.api("erin").get(path, {"cursor": cursor})

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"cursor"}


def test_it_answers_a_cursor_past_the_end_with_an_empty_page(team):
    response = team.api("erin").get("/members", {"cursor": _cursor("p=" + "9" * 30)})

    assert response.status_code == 200
    assert response.json()["results"] == []
