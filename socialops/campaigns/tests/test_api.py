"""/topics and /hashtag-sets: shapes, rendering, validation, archive, workspace isolation."""

from __future__ import annotations

from socialops.campaigns import actions
from socialops.conftest import error_of


def test_it_creates_lists_and_renders_a_topic(team):
    carol = team.api("carol")
    created = carol.post("/topics", {"name": "双十一", "overrides": {"x": "SinglesDay"}})
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]

    listed = team.api("erin").get("/topics")
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()["results"]] == ["双十一"]
    renders = {
        platform: team.api("erin").get(f"/topics/{topic_id}/render", {"platform": platform})
        for platform in ("weibo", "x", "bluesky", "wechat")
    }
    assert {code: r.json()["text"] for code, r in renders.items()} == {
        "weibo": "#双十一#",
        "x": "#SinglesDay",
        "bluesky": "#双十一",
        "wechat": "双十一",
    }


def test_it_patches_and_archives_a_topic(team):
    bob = team.api("bob")
    topic_id = bob.post("/topics", {"name": "新品"}).json()["id"]

    patched = bob.patch(f"/topics/{topic_id}", {"name": "新品发布", "notes": "春季"})
    assert (patched.status_code, patched.json()["name"]) == (200, "新品发布")
    assert bob.delete(f"/topics/{topic_id}").status_code == 204
    assert bob.get(f"/topics/{topic_id}").json()["archived"] is True


def test_it_answers_422_for_a_duplicate_name_and_a_bad_platform(team):
    carol = team.api("carol")
    carol.post("/topics", {"name": "双十一"})

    duplicate = carol.post("/topics", {"name": "双十一"})
    unknown = carol.post("/topics", {"name": "上新", "overrides": {"myspace": "x"}})

    assert duplicate.status_code == 422
    assert "name" in error_of(duplicate)["fields"]
    assert "overrides" in error_of(unknown)["fields"]


def test_it_forbids_writes_to_analysts(team):
    response = team.api("erin").post("/topics", {"name": "双十一"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_it_manages_hashtag_sets(team):
    carol = team.api("carol")
    first = carol.post("/topics", {"name": "双十一"}).json()["id"]
    second = carol.post("/topics", {"name": "新品发布"}).json()["id"]

    body = {"name": "大促", "purpose": "双十一 campaign", "topic_ids": [second, first]}
    created = carol.post("/hashtag-sets", body)
    assert created.status_code == 201, created.content
    set_id = created.json()["id"]
    assert created.json()["topic_ids"] == sorted([first, second])
    patched = carol.patch(f"/hashtag-sets/{set_id}", {"topic_ids": [first]})
    assert patched.json()["topic_ids"] == [first]
    assert carol.delete(f"/hashtag-sets/{set_id}").status_code == 204
    assert carol.get("/hashtag-sets").json()["results"][0]["archived"] is True


def test_it_keeps_workspaces_apart(team):
    theirs = actions.create_topic(access=team.access("charlie", team.other), name="双十一")
    their_set = actions.create_hashtag_set(
        access=team.access("charlie", team.other), name="套", topic_ids=[theirs.pk]
    )
    alice = team.api("alice")

    assert alice.get("/topics").json()["results"] == []
    assert alice.get("/hashtag-sets").json()["results"] == []
    for path in (f"/topics/{theirs.pk}", f"/topics/{theirs.pk}/render"):
        assert error_of(alice.get(path))["code"] == "not_found"
    assert alice.patch(f"/topics/{theirs.pk}", {"name": "偷"}).status_code == 404
    assert alice.delete(f"/hashtag-sets/{their_set.pk}").status_code == 404
    refused = alice.post("/hashtag-sets", {"name": "借", "topic_ids": [theirs.pk]})
    assert "topic_ids" in error_of(refused)["fields"]
    theirs.refresh_from_db()
    assert (theirs.name, theirs.archived) == ("双十一", False)
