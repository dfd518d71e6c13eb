from __future__ import annotations

from socialops.conftest import error_of
from socialops.contacts import actions
from socialops.contacts.models import Contact

from .conftest import add_message


def _cursor(url):
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["cursor"][0]


def _make(team, name, **extra):
    return actions.create_contact(access=team.access("alice"), name=name, **extra)


def test_it_creates_and_reads_a_contact(team):
    api = team.api("dave")

    response = api.post(
        "/contacts",
        {
            "name": "王芳",
            "kind": "kol",
            "importance": 3,
            "tags": ["数码"],
            "identities": [{"platform": "weibo", "handle": "@wangfang", "remote_id": "42"}],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identities"][0]["handle"] == "wangfang"
    assert body["identities"][0]["platform_name"]
    found = api.get(f"/contacts/{body['id']}").json()
    assert found["name"] == "王芳"
    assert found["tier"] == ""


def test_it_answers_a_duplicate_identity_with_the_field_and_the_owner(team):
    _make(team, "王芳", identities=[{"platform": "weibo", "handle": "wangfang"}])

    response = team.api("dave").post(
        "/contacts", {"name": "冒名", "identities": [{"platform": "weibo", "handle": "WangFang"}]}
    )

    assert response.status_code == 422
    assert "王芳" in error_of(response)["fields"]["identities.0.handle"]
    assert Contact.objects.count() == 1


def test_it_lists_in_pinyin_order_with_filters_and_cursor(team):
    for name in ["张三", "阿杰", "李四", "王五", "刘德华"]:
        _make(
            team,
            name,
            kind="fan" if name != "王五" else "media",
            tags=["科技"] if name == "李四" else [],
        )
    api = team.api("erin")

    first = api.get("/contacts", {"page_size": 3}).json()
    second = api.get("/contacts", {"page_size": 3, "cursor": _cursor(first["next"])}).json()

    names = [c["name"] for c in first["results"] + second["results"]]
    assert names == ["阿杰", "李四", "刘德华", "王五", "张三"]
    assert [c["name"] for c in api.get("/contacts", {"kind": "media"}).json()["results"]] == [
        "王五"
    ]
    assert [c["name"] for c in api.get("/contacts", {"tag": "科技"}).json()["results"]] == ["李四"]
    assert [c["name"] for c in api.get("/contacts", {"q": "德"}).json()["results"]] == ["刘德华"]


def test_it_searches_handles_and_organisations_and_filters_by_platform(team):
    _make(team, "甲", organisation="新华社")
    _make(team, "乙", identities=[{"platform": "bluesky", "handle": "yi.bsky.social"}])
    api = team.api("erin")

    assert [c["name"] for c in api.get("/contacts", {"q": "新华"}).json()["results"]] == ["甲"]
    assert [c["name"] for c in api.get("/contacts", {"q": "@yi.bsky"}).json()["results"]] == ["乙"]
    by_platform = api.get("/contacts", {"platform": "bluesky"}).json()["results"]
    assert [c["name"] for c in by_platform] == ["乙"]


def test_it_patches_and_deletes(team):
    contact = _make(team, "张三")
    api = team.api("carol")

    patched = api.patch(f"/contacts/{contact.pk}", {"kind": "expert", "tags": ["AI"]})
    deleted = api.delete(f"/contacts/{contact.pk}")

    assert patched.status_code == 200
    assert patched.json()["kind"] == "expert"
    assert deleted.status_code == 204
    assert not Contact.objects.exists()


def test_it_refuses_writes_to_analysts_and_hides_other_workspaces(team):
    contact = _make(team, "张三")

    refused = team.api("erin").post("/contacts", {"name": "x"})
    hidden = team.api("charlie").get(f"/contacts/{contact.pk}")

    assert refused.status_code == 403
    assert hidden.status_code == 404


def test_it_adds_and_removes_identities(team, channel):
    add_message(channel, author_remote_id="9", author_handle="fan9")
    contact = _make(team, "小九")
    api = team.api("dave")

    added = api.post(
        f"/contacts/{contact.pk}/identities", {"platform": "sandbox", "handle": "fan9"}
    )
    again = api.post(
        f"/contacts/{contact.pk}/identities", {"platform": "sandbox", "remote_id": "9"}
    )
    removed = api.delete(f"/contacts/{contact.pk}/identities/{added.json()['id']}")

    assert added.status_code == 201
    assert again.status_code == 201  # the handle identity knew no id; by id is another row
    assert removed.status_code == 204
    assert api.get(f"/contacts/{contact.pk}").json()["interactions_90d"] == 1


def test_it_serves_the_timeline_newest_first_in_pages(team, channel):
    from datetime import timedelta

    from socialops.core.clock import now

    start = now() - timedelta(hours=5)
    for hour in range(4):
        add_message(
            channel,
            author_remote_id="7",
            author_handle="fan7",
            text=f"第{hour}条",
            at=start + timedelta(hours=hour),
        )
    add_message(
        channel, author_remote_id="7", direction="out", text="谢谢", at=now(), thread="comment:7"
    )
    contact = _make(team, "小七", identities=[{"platform": "sandbox", "remote_id": "7"}])
    api = team.api("erin")

    first = api.get(f"/contacts/{contact.pk}/timeline", {"page_size": 3}).json()
    second = api.get(
        f"/contacts/{contact.pk}/timeline", {"page_size": 3, "cursor": first["next"]}
    ).json()

    texts = [
        item["text"] for item in first["results"] + second["results"] if item["kind"] == "message"
    ]
    assert texts == ["谢谢", "第3条", "第2条", "第1条", "第0条"]
    kinds = {item["kind"] for item in first["results"] + second["results"]}
    assert kinds == {"message", "change"}
    assert second["next"] is None


def test_it_refuses_a_damaged_timeline_cursor(team):
    contact = _make(team, "小七")

    response = team.api("erin").get(f"/contacts/{contact.pk}/timeline", {"cursor": "bm9wZQ=="})

    assert response.status_code == 422
    assert "cursor" in error_of(response)["fields"]


def test_it_ranks_top_fans_in_a_period(team, channel):
    from datetime import timedelta

    from socialops.core.clock import now

    a = _make(team, "甲", identities=[{"platform": "sandbox", "remote_id": "1"}])
    b = _make(team, "乙", identities=[{"platform": "sandbox", "remote_id": "2"}])
    for _ in range(3):
        add_message(channel, author_remote_id="1")
    add_message(channel, author_remote_id="2")
    for _ in range(5):
        add_message(channel, author_remote_id="2", at=now() - timedelta(days=20))
    api = team.api("erin")

    week = api.get("/contacts/top-fans", {"days": 7}).json()
    month = api.get("/contacts/top-fans", {"days": 30}).json()

    assert [(f["contact"]["id"], f["interactions"]) for f in week] == [(a.pk, 3), (b.pk, 1)]
    assert [f["contact"]["id"] for f in month] == [b.pk, a.pk]
