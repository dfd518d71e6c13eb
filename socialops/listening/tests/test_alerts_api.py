"""The crisis board API: alerts listed with deliveries, acknowledged, resolved, reopened."""

from __future__ import annotations

from socialops.conftest import audit_count, error_of
from socialops.listening.models import Alert, Delivery, Destination

from .test_mentions_support import alert, mention, query


def test_it_lists_alerts_with_query_mentions_and_delivery_states(team):
    brand = query(team.workspace, "安可")
    rows = [mention(team.workspace, f"安可出事了{i}", queries={brand: "安可"}) for i in range(3)]
    found = alert(team.workspace, query=brand, mentions=rows, kind="negative")
    destination = Destination.objects.create(workspace=team.workspace, name="值班群", kind="in_app")
    Delivery.objects.create(
        workspace=team.workspace, alert=found, destination=destination, state="failed",
        attempts=5, last_error="timeout",
    )  # fmt: skip
    alert(team.workspace, state="resolved")
    api = team.api("carol")

    listed = api.get("/listening/alerts", {"state": "open"})

    assert listed.status_code == 200, listed.content
    [body] = listed.json()["results"]
    assert body["id"] == found.pk and body["kind"] == "negative"
    assert body["query_name"] == "安可" and body["mention_count"] == 3
    assert body["detail"] == {"observed": 42, "baseline": 6.5}
    assert [(d["destination_name"], d["state"], d["attempts"]) for d in body["deliveries"]] == [
        ("值班群", "failed", 5)
    ]
    assert len(api.get("/listening/alerts").json()["results"]) == 2
    detail = api.get(f"/listening/alerts/{found.pk}").json()
    assert {m["id"] for m in detail["mentions"]} == {r.pk for r in rows}
    assert detail["mentions"][0]["highlights"] == [[0, 2]]
    assert api.get("/listening/alerts", {"state": "closed"}).status_code == 422
    assert team.api("charlie").get(f"/listening/alerts/{found.pk}").status_code == 404


def test_it_acknowledges_resolves_and_reopens_with_an_audit_trail(team):
    found = alert(team.workspace)
    dave = team.api("dave")  # an agent on duty may say "I'm on it"

    acknowledged = dave.post(f"/listening/alerts/{found.pk}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["state"] == "acknowledged"
    assert acknowledged.json()["acknowledged_by_id"] == team.dave.pk
    repeat = dave.post(f"/listening/alerts/{found.pk}/acknowledge")
    assert repeat.status_code == 409 and "state" in error_of(repeat)["fields"]

    resolved = team.api("erin").post(f"/listening/alerts/{found.pk}/resolve")
    assert resolved.json()["state"] == "resolved" and resolved.json()["resolved_at"]
    assert team.api("erin").post(f"/listening/alerts/{found.pk}/resolve").status_code == 409

    reopened = team.api("bob").post(f"/listening/alerts/{found.pk}/reopen")
    assert reopened.json()["state"] == "open"
    assert reopened.json()["acknowledged_at"] is None and reopened.json()["resolved_at"] is None
    assert team.api("bob").post(f"/listening/alerts/{found.pk}/reopen").status_code == 409

    assert audit_count("listening.alert_acknowledged") == 1
    assert audit_count("listening.alert_resolved") == 1
    assert audit_count("listening.alert_reopened") == 1


def test_it_lets_only_those_who_handle_the_public_or_listening_change_alerts(team):
    found = alert(team.workspace)
    carol = team.api("carol")  # an editor reads the board but does not run it
    assert carol.get(f"/listening/alerts/{found.pk}").status_code == 200
    assert carol.post(f"/listening/alerts/{found.pk}/acknowledge").status_code == 403
    assert carol.post(f"/listening/alerts/{found.pk}/resolve").status_code == 403
    assert Alert.objects.get(pk=found.pk).state == "open"
    assert team.api("charlie").post(f"/listening/alerts/{found.pk}/resolve").status_code == 404
