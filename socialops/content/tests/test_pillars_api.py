"""The /pillars routes: shapes, the 100% rule as a 422 on the field, archiving, isolation."""

from __future__ import annotations

from socialops.conftest import error_of
from socialops.content import actions
from socialops.content.models import ContentPillar


def test_it_creates_lists_and_gets_pillars(team):
    bob = team.api("bob")
    created = bob.post("/pillars", {"name": "公司与产品", "target_share": 30, "colour": "#0D6EFD"})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["colour"], body["target_share"], body["archived"]) == (
        "公司与产品",
        "#0d6efd",
        30,
        False,
    )
    bob.post("/pillars", {"name": "活动", "target_share": 20})
    listed = team.api("erin").get("/pillars").json()
    assert [p["name"] for p in listed["results"]] == ["公司与产品", "活动"]
    assert team.api("dave").get(f"/pillars/{body['id']}").json()["id"] == body["id"]


def test_it_answers_422_on_target_share_past_100(team):
    bob = team.api("bob")
    bob.post("/pillars", {"name": "公司与产品", "target_share": 80})
    response = bob.post("/pillars", {"name": "活动", "target_share": 30})
    assert response.status_code == 422
    error = error_of(response)
    assert "20%" in error["fields"]["target_share"]
    negative = bob.post("/pillars", {"name": "活动", "target_share": -5})
    assert negative.status_code == 422
    assert "target_share" in error_of(negative)["fields"]


def test_it_patches_archives_and_restores(team):
    pillar = actions.create_pillar(access=team.access("bob"), name="行业", target_share=15)
    bob = team.api("bob")
    patched = bob.patch(f"/pillars/{pillar.pk}", {"target_share": 25, "description": "趋势"})
    assert patched.status_code == 200
    assert (patched.json()["target_share"], patched.json()["description"]) == (25, "趋势")
    assert bob.delete(f"/pillars/{pillar.pk}").status_code == 204
    assert bob.get("/pillars").json()["results"] == []
    archived = bob.get("/pillars", {"include_archived": "true"}).json()["results"]
    assert [p["archived"] for p in archived] == [True]
    assert bob.patch(f"/pillars/{pillar.pk}", {"archived": False}).json()["archived"] is False


def test_it_keeps_pillars_to_their_workspace(team):
    theirs = actions.create_pillar(
        access=team.access("charlie", team.other), name="行业", target_share=15
    )
    bob = team.api("bob")
    assert bob.get(f"/pillars/{theirs.pk}").status_code == 404
    assert bob.patch(f"/pillars/{theirs.pk}", {"target_share": 1}).status_code == 404
    assert bob.delete(f"/pillars/{theirs.pk}").status_code == 404
    assert bob.get("/pillars").json()["results"] == []
    # charlie's 15% does not count against acme's 100%
    assert bob.post("/pillars", {"name": "行业", "target_share": 100}).status_code == 201
    theirs.refresh_from_db()
    assert (theirs.target_share, theirs.archived) == (15, False)
    assert ContentPillar.objects.count() == 2


def test_it_refuses_a_manager_less_role(team):
    response = team.api("carol").post("/pillars", {"name": "活动", "target_share": 20})
    assert response.status_code == 403
    assert not ContentPillar.objects.exists()
