from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialops.conftest import error_of
from socialops.contacts import actions
from socialops.contacts.imports import export_rows
from socialops.contacts.models import Contact, Identity


def _import(team, text, **options):
    return actions.import_contacts(access=team.access("dave"), data=text, **options)


def test_it_imports_one_row_per_identity_grouped_by_name(team):
    text = (
        "name,kind,importance,organisation,tags,platform,handle,remote_id,url\n"
        "张三,媒体,高,科技日报,科技；数码,weibo,zhangsan,1001,https://weibo.com/u/1001\n"
        "张三,,,科技日报,AI,wechat,zhangsan_news,,\n"
        "李四,expert,vip,,,bluesky,lisi.bsky.social,,\n"
    )

    plans = _import(team, text)

    assert [p.action for p in plans] == ["create", "create"]
    zhang = Contact.objects.get(name="张三")
    assert (zhang.kind, zhang.importance, zhang.tags) == ("media", 2, ["科技", "数码", "AI"])
    assert sorted(zhang.identities.values_list("platform", flat=True)) == ["wechat", "weibo"]
    assert Contact.objects.get(name="李四").importance == 3


def test_it_imports_one_row_per_contact_with_platform_columns(team):
    text = "姓名,类型,微博,sandbox\n王五,达人,wangwu；wangwu2,ww_sandbox\n"

    _import(team, text)

    contact = Contact.objects.get()
    assert contact.kind == "kol"
    handles = sorted(contact.identities.values_list("platform", "handle"))
    assert handles == [("sandbox", "ww_sandbox"), ("weibo", "wangwu"), ("weibo", "wangwu2")]


def test_it_merges_a_row_into_the_contact_its_identity_belongs_to(team):
    existing = actions.create_contact(
        access=team.access("alice"),
        name="张三",
        tags=["老朋友"],
        identities=[{"platform": "weibo", "handle": "zhangsan"}],
    )

    plans = _import(team, "name,tags,weibo,wechat\n,新标签,ZhangSan,zs_wechat\n")

    assert [p.action for p in plans] == ["merge"]
    existing.refresh_from_db()
    assert existing.name == "张三"
    assert existing.tags == ["老朋友", "新标签"]
    assert existing.identities.count() == 2
    assert Contact.objects.count() == 1


def test_it_reads_gbk_and_a_bom(team):
    gbk = "name,weibo\n赵六,zhaoliu\n".encode("gb18030")
    bom = "\ufeffname,weibo\n钱七,qianqi\n".encode()

    _import(team, gbk)
    _import(team, bom)

    assert sorted(Contact.objects.values_list("name", flat=True)) == ["赵六", "钱七"]


def test_it_refuses_every_row_when_one_is_bad_naming_the_cells(team):
    text = "name,kind,platform,handle\n好人,fan,weibo,good\n坏人,enemy,myspace,bad\n,fan,weibo,\n"

    with pytest.raises(ValidationError) as caught:
        _import(team, text)

    errors = caught.value.message_dict
    assert {"row 3.kind", "row 3.platform", "row 4.handle"} <= set(errors)
    assert not Contact.objects.exists()


def test_it_refuses_an_unknown_column_and_a_row_merging_two_contacts(team):
    for name, handle in (("甲", "a"), ("乙", "b")):
        actions.create_contact(
            access=team.access("alice"),
            name=name,
            identities=[{"platform": "weibo", "handle": handle}],
        )

    with pytest.raises(ValidationError) as unknown:
        _import(team, "name,shoe_size\n张三,42\n")
    with pytest.raises(ValidationError) as both:
        _import(team, "name,weibo\n丙,a；b\n")

    assert "shoe_size" in unknown.value.message_dict["header"][0]
    assert "different contacts" in both.value.message_dict["row 2.handle"][0]


def test_it_plans_without_writing_on_a_dry_run(team):
    plans = _import(team, "name,weibo\n张三,zs\n", dry_run=True)

    assert plans[0].identities == [
        {"platform": "weibo", "handle": "zs", "remote_id": "", "url": ""}
    ]
    assert not Contact.objects.exists()


def test_it_round_trips_the_export(team):
    actions.create_contact(
        access=team.access("alice"),
        name="张三",
        kind="media",
        importance=3,
        organisation="科技日报",
        tags=["科技", "数码"],
        notes="第一行\n第二行, 有逗号",
        identities=[
            {"platform": "weibo", "handle": "zs", "remote_id": "1", "url": "https://weibo.com/zs"},
            {"platform": "wechat", "handle": "zs_wx"},
        ],
    )
    actions.create_contact(access=team.access("alice"), name="没有账号的人")
    exported = "".join(export_rows(team.workspace))

    again = _import(team, exported)
    elsewhere = actions.import_contacts(
        access=team.access("charlie", team.other), data=exported.encode()
    )

    assert [p.action for p in again] == ["merge", "merge"]
    assert Contact.objects.filter(workspace=team.workspace).count() == 2
    copied = Contact.objects.get(workspace=team.other, name="张三")
    assert (copied.kind, copied.importance, copied.organisation) == ("media", 3, "科技日报")
    assert (copied.tags, copied.notes) == (["科技", "数码"], "第一行\n第二行, 有逗号")
    assert sorted(copied.identities.values_list("platform", "handle", "remote_id", "url")) == [
        ("wechat", "zs_wx", "", ""),
        ("weibo", "zs", "1", "https://weibo.com/zs"),
    ]
    assert len(elsewhere) == 2
    assert Identity.objects.filter(workspace=team.other).count() == 2


def test_it_imports_through_the_api_as_csv_or_json(team):
    api = team.api("dave")

    dry = api.post("/contacts/import?dry_run=true", {"csv": "name,weibo\n张三,zs\n"})
    real = api.client.post(
        "/api/v1/contacts/import",
        "name,weibo\n张三,zs\n".encode("gb18030"),
        content_type="text/csv",
    )
    bad = api.post("/contacts/import", {"csv": "name,kind\n李四,enemy\n"})

    assert dry.status_code == 200
    assert dry.json()["contacts"][0]["action"] == "create"
    assert real.status_code == 201
    assert real.json()["contacts"][0]["contact_id"] == Contact.objects.get().pk
    assert bad.status_code == 422
    assert "row 2.kind" in error_of(bad)["fields"]


def test_it_exports_through_the_api(team):
    actions.create_contact(access=team.access("alice"), name="张三")

    response = team.api("erin").get("/contacts/export")

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "张三" in body
