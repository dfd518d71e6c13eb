"""The listening query pages: list, editor, live check, "test this query", delete."""

from __future__ import annotations

from datetime import timedelta

from socialops.conftest import audit_count
from socialops.core.clock import now
from socialops.listening.models import ListeningQuery, MinuteCount, SamplePost

BASE = "/w/acme/interaction/listening/queries/"
FORM = {
    "name": "华为",
    "text": "华为 AND (手机 OR 平板) -招聘",
    "kind": "brand",
    "group": "",
    "active": "on",
    "spike_ratio": "3",
    "spike_floor": "20",
    "negative_share": "0.5",
    "negative_floor": "10",
    "cooldown_minutes": "30",
}


def make_query(team, **fields):
    return ListeningQuery.objects.create(
        workspace=team.workspace, name=fields.pop("name", "华为"), text="华为", **fields
    )


def test_it_lists_queries_with_their_mentions_today_and_this_week(team):
    query = make_query(team, kind="competitor", group="友商")
    MinuteCount.objects.create(
        workspace=team.workspace, query=query, minute=now().replace(second=0), total=4
    )
    MinuteCount.objects.create(
        workspace=team.workspace, query=query, minute=now() - timedelta(days=3), total=6
    )

    response = team.browser("dave").get(BASE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-query="{query.pk}"' in html
    assert 'data-today="4"' in html
    assert 'data-week="10"' in html
    assert "友商" in html
    assert 'id="query-new"' not in html  # an agent only reads


def test_it_creates_a_query_from_the_form(team):
    response = team.browser("erin").post(f"{BASE}new/", FORM)

    assert response.status_code == 302
    query = ListeningQuery.objects.get()
    assert query.text == FORM["text"]
    assert query.created_by == team.erin
    assert audit_count("listening.query_created") == 1


def test_it_shows_a_malformed_query_with_a_caret(team):
    response = team.browser("erin").post(f"{BASE}new/", {**FORM, "text": "华为 AND (手机"})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-position="7"' in html
    assert "data-caret" in html
    assert not ListeningQuery.objects.exists()


def test_it_shows_a_duplicate_name_on_the_form(team):
    make_query(team)

    response = team.browser("erin").post(f"{BASE}new/", FORM)

    assert response.status_code == 422
    assert ListeningQuery.objects.count() == 1
    assert "invalid-feedback" in response.content.decode()


def test_it_edits_a_query_and_bumps_its_version(team):
    query = make_query(team)
    browser = team.browser("bob")

    page = browser.get(f"{BASE}{query.pk}/")
    saved = browser.post(f"{BASE}{query.pk}/", {**FORM, "text": "华为 OR 荣耀"})

    assert page.status_code == 200
    assert 'id="query-cheatsheet"' in page.content.decode()
    assert saved.status_code == 302
    query.refresh_from_db()
    assert (query.text, query.version) == ("华为 OR 荣耀", 2)


def test_it_deletes_a_query(team):
    query = make_query(team)

    response = team.browser("erin").post(f"{BASE}{query.pk}/delete/")

    assert response.status_code == 302
    assert not ListeningQuery.objects.exists()
    assert audit_count("listening.query_deleted") == 1


def test_it_keeps_the_editor_from_those_who_cannot_manage(team):
    query = make_query(team)

    assert team.browser("dave").get(f"{BASE}new/").status_code == 403
    assert team.browser("carol").post(f"{BASE}{query.pk}/", FORM).status_code == 403
    assert team.browser("dave").post(f"{BASE}{query.pk}/delete/").status_code == 403
    assert team.browser("charlie").get(f"{BASE}{query.pk}/").status_code == 404
    assert ListeningQuery.objects.get().version == 1


def test_it_checks_the_text_live(team):
    browser = team.browser("erin")

    bad = browser.post(f"{BASE}validate/", {"text": "品牌 NEAR/3"})
    good = browser.post(f"{BASE}validate/", {"text": "品牌 NEAR/3 投诉"})

    assert 'data-ok="false"' in bad.content.decode()
    assert "data-caret" in bad.content.decode()
    assert 'data-ok="true"' in good.content.decode()
    assert "(品牌 NEAR/3 投诉)" in good.content.decode()


def test_it_tests_a_query_with_escaped_highlights(team):
    SamplePost.objects.create(
        workspace=team.workspace,
        platform="weibo",
        remote_id="1",
        text="<script>alert(1)</script>华为手机",
        posted_at=now(),
    )

    response = team.browser("dave").post(f"{BASE}preview/", {"text": "华为 手机"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-matched="1"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>华为手机</mark>" in html
    assert "<script>alert" not in html
