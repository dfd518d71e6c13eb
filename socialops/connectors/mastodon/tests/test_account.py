from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
import respx
import time_machine

from socialops.connectors.base import ConnectorError, RemoteRef

from .conftest import error, load, make_connector


def test_it_reads_the_profile(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v1/accounts/verify_credentials").respond(200, json=load("account"))

    profile = make_connector().fetch_profile()

    assert profile.remote_id == "109302436954721982"
    assert profile.handle == "acme@mastodon.example"
    assert profile.display_name == "Acme 官方"
    assert profile.bio == "Acme 的官方账号 · Official account of Acme"
    assert profile.banner_url.endswith("/banner.jpg")
    assert profile.website == "https://acme.example"
    assert profile.verified and profile.verification_label == "https://acme.example"
    assert profile.contacts == {
        "Website": "https://acme.example",
        "Support": "support@acme.example",
    }
    assert (profile.followers, profile.following, profile.posts) == (1520, 87, 342)


def test_it_updates_the_profile_keeping_the_other_fields(
    mastodon: respx.MockRouter, settings: pytest.FixtureRequest, tmp_path: str
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "avatar.png").write_bytes(b"png avatar")  # type: ignore[operator]
    mastodon.get("/api/v1/accounts/verify_credentials").respond(200, json=load("account"))
    updated = load("account")
    updated["display_name"] = "Acme"
    patch = mastodon.patch("/api/v1/accounts/update_credentials").respond(200, json=updated)

    profile = make_connector().update_profile(
        {"display_name": "Acme", "bio": "新简介", "avatar": "avatar.png", "location": "上海"}
    )

    body = patch.calls.last.request.content.decode()
    for part in (
        'name="display_name"\r\n\r\nAcme',
        'name="note"\r\n\r\n新简介',
        'name="fields_attributes[0][name]"\r\n\r\nWebsite',
        'name="fields_attributes[1][value]"\r\n\r\nsupport@acme.example',
        'name="fields_attributes[2][name]"\r\n\r\nLocation',
        'name="fields_attributes[2][value]"\r\n\r\n上海',
        'name="avatar"',
        "png avatar",
    ):
        assert part in body
    assert profile.display_name == "Acme"


def test_it_refuses_profile_fields_mastodon_lacks(mastodon: respx.MockRouter) -> None:
    with pytest.raises(ConnectorError) as caught:
        make_connector().update_profile({"pinned_post": "1"})
    assert caught.value.permanent and caught.value.code == "unsupported_field"
    assert len(mastodon.calls) == 0


def test_it_follows_a_known_account(mastodon: respx.MockRouter) -> None:
    lookup = mastodon.get("/api/v1/accounts/lookup").respond(200, json=load("account_lookup"))
    follow = mastodon.post("/api/v1/accounts/14715/follow").respond(200, json=load("relationship"))

    make_connector().follow("@lihua@social.example")

    assert lookup.calls.last.request.url.params["acct"] == "lihua@social.example"
    assert follow.called


def test_it_resolves_an_unknown_account_before_following(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v1/accounts/lookup").respond(404, json=error("Record not found"))
    search = mastodon.get("/api/v2/search").respond(200, json=load("search_accounts"))
    follow = mastodon.post("/api/v1/accounts/14715/follow").respond(200, json=load("relationship"))

    make_connector().follow("lihua@social.example")

    assert search.calls.last.request.url.params["resolve"] in ("1", "True", "true")
    assert follow.called


def test_it_reports_a_missing_account_as_permanent(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v1/accounts/lookup").respond(404, json=error("Record not found"))
    mastodon.get("/api/v2/search").respond(
        200, json={"accounts": [], "statuses": [], "hashtags": []}
    )

    with pytest.raises(ConnectorError) as caught:
        make_connector().follow("nobody@nowhere.example")
    assert caught.value.permanent and caught.value.code == "not_found"


@time_machine.travel(datetime(2025, 6, 2, tzinfo=UTC), tick=False)
def test_it_fetches_metrics_from_the_status(mastodon: respx.MockRouter) -> None:
    mastodon.get("/api/v1/statuses/113526467651466208").respond(200, json=load("status"))
    mastodon.get("/api/v1/statuses/1").respond(404, json=error("Record not found"))

    live, gone = make_connector().fetch_metrics([RemoteRef("113526467651466208"), RemoteRef("1")])

    assert (live.likes, live.reposts, live.comments) == (21, 7, 3)
    assert live.collected_at == datetime(2025, 6, 2, tzinfo=UTC)
    assert gone.extra == {"deleted": True} and gone.likes is None


def test_it_deletes_and_treats_already_gone_as_done(mastodon: respx.MockRouter) -> None:
    delete = mastodon.delete("/api/v1/statuses/113526467651466208").respond(
        200, json=load("status")
    )
    mastodon.delete("/api/v1/statuses/1").respond(404, json=error("Record not found"))
    connector = make_connector()

    connector.delete(RemoteRef("113526467651466208"))
    connector.delete(RemoteRef("1"))

    assert delete.called


def test_it_searches_statuses_since_a_time(mastodon: respx.MockRouter) -> None:
    search = mastodon.get("/api/v2/search").respond(200, json=load("search_statuses"))

    posts = make_connector().search("#acme", since=datetime(2025, 5, 30, tzinfo=UTC))

    assert [post.remote_id for post in posts] == ["113526600000000010"]
    assert posts[0].text == "Loving my #acme kettle"
    assert posts[0].author.handle == "dana"
    params = search.calls.last.request.url.params
    assert (params["q"], params["type"]) == ("#acme", "statuses")


def test_it_sends_only_the_changed_profile_fields(mastodon: respx.MockRouter) -> None:
    patch = mastodon.patch("/api/v1/accounts/update_credentials").respond(200, json=load("account"))

    make_connector().update_profile({"display_name": "Acme"})

    assert parse_qs(patch.calls.last.request.content.decode()) == {"display_name": ["Acme"]}
