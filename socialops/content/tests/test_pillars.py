"""Content pillars: the actions, their validation and audit, the page, the demo's set."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socialops.conftest import logged_after
from socialops.content import actions, queries
from socialops.content.demo import load_demo_pillars
from socialops.content.models import ContentPillar
from socialops.core.models import AuditEvent


def _names(team):
    return list(queries.workspace_pillars(team.workspace).values_list("name", flat=True))


def test_it_creates_pillars_in_order_with_an_audit_row(team):
    bob = team.access("bob")
    first = actions.create_pillar(access=bob, name=" 行业 ", target_share=15, colour="#ABCDEF")
    second = actions.create_pillar(access=bob, name="活动", target_share=20)
    assert (first.name, first.colour, first.position, second.position) == ("行业", "#abcdef", 0, 1)
    event = AuditEvent.objects.get(action="content_pillar.created", target_id=str(first.pk))
    assert logged_after(event)["target_share"] == 15 and event.actor == team.bob


def test_it_refuses_active_targets_past_100_with_the_unallocated_remainder(team):
    bob = team.access("bob")
    actions.create_pillar(access=bob, name="公司与产品", target_share=70)
    with pytest.raises(ValidationError) as refused:
        actions.create_pillar(access=bob, name="活动", target_share=40)
    message = refused.value.message_dict["target_share"][0]
    assert "110%" in message and "30%" in message
    assert _names(team) == ["公司与产品"]


def test_it_leaves_archived_pillars_out_of_the_sum(team):
    bob = team.access("bob")
    old = actions.create_pillar(access=bob, name="旧", target_share=80)
    actions.archive_pillar(access=bob, pillar=old)
    actions.create_pillar(access=bob, name="新", target_share=100)
    assert queries.allocated_share(team.workspace) == 100
    event = AuditEvent.objects.get(action="content_pillar.archived")
    assert isinstance(event.before, dict)
    assert (event.before["archived"], logged_after(event)["archived"]) == (False, True)
    with pytest.raises(ValidationError) as refused:  # restoring it would pass 100%
        actions.update_pillar(access=bob, pillar=old, archived=False)
    assert "target_share" in refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_share": -1}, "target_share"),
        ({"target_share": 101}, "target_share"),
        ({"name": "  "}, "name"),
        ({"name": "活动"}, "name"),  # taken by another active pillar
        ({"colour": "red"}, "colour"),
    ],
)
def test_it_refuses_invalid_changes_on_the_field(team, changes, field):
    bob = team.access("bob")
    actions.create_pillar(access=bob, name="活动", target_share=20)
    pillar = actions.create_pillar(access=bob, name="行业", target_share=15)
    with pytest.raises(ValidationError) as refused:
        actions.update_pillar(access=bob, pillar=pillar, **changes)
    assert field in refused.value.message_dict
    pillar.refresh_from_db()
    assert (pillar.name, pillar.target_share) == ("行业", 15)


def test_it_lets_only_approvers_manage_pillars(team):
    with pytest.raises(PermissionDenied):
        actions.create_pillar(access=team.access("carol"), name="活动", target_share=20)
    assert not ContentPillar.objects.exists()


def test_it_reorders_and_records_before_and_after(team):
    bob = team.access("bob")
    a, b, c = (actions.create_pillar(access=bob, name=n, target_share=10) for n in "ABC")
    actions.reorder_pillars(access=bob, order=[c.pk, a.pk])
    assert _names(team) == ["C", "A", "B"]
    event = AuditEvent.objects.get(action="content_pillar.reordered")
    assert event.before == {"order": [a.pk, b.pk, c.pk]}
    assert event.after == {"order": [c.pk, a.pk, b.pk]}
    actions.move_pillar(access=bob, pillar=b, step=-1)
    assert _names(team) == ["C", "B", "A"]
    with pytest.raises(ValidationError):
        actions.reorder_pillars(access=bob, order=[a.pk, a.pk])


def test_it_loads_the_suggested_set_once(team):
    bob = team.access("bob")
    actions.create_pillar(access=bob, name="活动", target_share=20)
    added = actions.load_default_pillars(access=bob)
    assert len(added) == 5
    assert queries.allocated_share(team.workspace) == 100
    assert actions.load_default_pillars(access=bob) == []


def test_it_refuses_the_suggested_set_when_it_does_not_fit(team):
    actions.create_pillar(access=team.access("bob"), name="自定义", target_share=50)
    with pytest.raises(ValidationError) as refused:
        actions.load_default_pillars(access=team.access("bob"))
    assert "50%" in refused.value.message_dict["target_share"][0]
    assert _names(team) == ["自定义"]


def test_it_gives_the_demo_workspace_the_suggested_set_idempotently(team):
    assert len(load_demo_pillars(team.workspace)) == 6
    assert load_demo_pillars(team.workspace) == []
    assert ContentPillar.objects.filter(workspace=team.workspace).count() == 6


def test_it_shows_targets_the_remainder_and_the_honest_note(team):
    bob = team.access("bob")
    actions.create_pillar(access=bob, name="公司与产品", target_share=30, colour="#112233")
    archived = actions.create_pillar(access=bob, name="旧主题", target_share=10)
    actions.archive_pillar(access=bob, pillar=archived)
    response = team.browser("erin").get("/w/acme/content/pillars/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "公司与产品" in html and "background-color: #112233" in html
    assert response.context["unallocated"] == 70
    assert 'id="mix-note"' in html and 'id="archived-pillars"' in html
    assert 'id="pillar-new"' not in html  # erin may read, not manage
    manager = team.browser("bob").get("/w/acme/content/pillars/").content.decode()
    assert "生活方式 10%。已有的同名内容构成会跳过。" in manager
    assert "已分配 30% · 未分配 70%" in manager


def test_it_shows_a_sum_error_on_the_target_field_of_the_form(team):
    actions.create_pillar(access=team.access("bob"), name="公司与产品", target_share=90)
    response = team.browser("bob").post(
        "/w/acme/content/pillars/new/", {"name": "活动", "colour": "#123456", "target_share": "20"}
    )
    assert response.status_code == 422
    assert "10%" in response.context["form"].errors["target_share"][0]


def test_it_loads_the_suggested_set_from_the_page(team):
    response = team.browser("bob").post("/w/acme/content/pillars/defaults/")
    assert response.status_code == 302
    assert len(_names(team)) == 6
