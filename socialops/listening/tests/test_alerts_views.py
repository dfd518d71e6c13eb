"""The crisis board page and one alert's page, with their buttons."""

from __future__ import annotations

from django.urls import reverse

from socialops.conftest import audit_count
from socialops.listening.models import Alert

from .test_mentions_support import alert, mention, query


def test_it_shows_alerts_by_state_with_buttons_for_who_may_handle_them(team):
    brand = query(team.workspace, "安可")
    opened = alert(team.workspace, query=brand, kind="crisis_word")
    done = alert(team.workspace, state="resolved")
    page = team.browser("dave").get(reverse("listening_alerts", args=["acme"])).content.decode()
    assert f'data-alert-id="{opened.pk}" data-state="open"' in page
    assert f'data-alert-id="{done.pk}" data-state="resolved"' in page
    assert 'data-action="acknowledge"' in page
    editor = team.browser("carol").get(reverse("listening_alerts", args=["acme"])).content.decode()
    assert f'data-alert-id="{opened.pk}"' in editor and 'data-action="acknowledge"' not in editor


def test_it_acknowledges_and_resolves_from_the_pages(team):
    found = alert(team.workspace)
    client = team.browser("dave")
    back = client.post(
        reverse("listening_alert_acknowledge", args=["acme", found.pk]), {"back": "board"}
    )
    assert back["Location"] == reverse("listening_alerts", args=["acme"])
    assert Alert.objects.get(pk=found.pk).state == "acknowledged"
    client.post(reverse("listening_alert_resolve", args=["acme", found.pk]))
    assert Alert.objects.get(pk=found.pk).state == "resolved"
    again = client.post(reverse("listening_alert_resolve", args=["acme", found.pk]))
    assert again.status_code == 302  # told, not changed
    assert audit_count("listening.alert_resolved") == 1
    assert (
        team.browser("carol")
        .post(reverse("listening_alert_reopen", args=["acme", found.pk]))
        .status_code
        == 403
    )
    assert Alert.objects.get(pk=found.pk).state == "resolved"


def test_it_shows_one_alert_with_its_mentions_highlighted(team):
    brand = query(team.workspace, "安可")
    row = mention(team.workspace, "安可<b>爆炸</b>", queries={brand: "安可"})
    found = alert(team.workspace, query=brand, mentions=[row])
    html = (
        team.browser("erin")
        .get(reverse("listening_alert", kwargs={"slug": "acme", "alert_id": found.pk}))
        .content.decode()
    )
    assert "<mark>安可</mark>&lt;b&gt;爆炸&lt;/b&gt;" in html
    assert f'data-mention-id="{row.pk}"' in html
    other = alert(team.other)
    assert (
        team.browser("dave")
        .get(reverse("listening_alert", kwargs={"slug": "acme", "alert_id": other.pk}))
        .status_code
        == 404
    )
