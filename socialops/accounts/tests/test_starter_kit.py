"""A workspace made in the UI or the API starts with the apps' first drafts; tests' do not."""

from __future__ import annotations

from socialops.accounts.models import Workspace
from socialops.accounts.starter_kit import fill_starter_kit
from socialops.guidebook.models import CannedReply, GuidebookSection
from socialops.sla.models import Policy


def _kit(workspace: Workspace) -> tuple[int, int, int]:
    return (
        GuidebookSection.objects.filter(workspace=workspace).count(),
        CannedReply.objects.filter(workspace=workspace).count(),
        Policy.objects.filter(workspace=workspace).count(),
    )


def test_it_fills_the_starter_kit_for_a_workspace_made_through_the_api(team):
    response = team.api("alice").post("/workspaces", {"name": "新品牌"})

    assert response.status_code == 201
    sections, canned, policies = _kit(Workspace.objects.get(pk=response.json()["id"]))
    assert sections > 0 and canned > 0 and policies > 0


def test_it_fills_the_starter_kit_for_a_workspace_made_in_the_ui(team):
    response = team.browser("alice").post(
        "/workspaces/new/", {"name": "新品牌", "time_zone": "Asia/Shanghai"}
    )

    assert response.status_code == 302
    sections, canned, policies = _kit(Workspace.objects.exclude(slug__in=["acme", "globex"]).get())
    assert sections > 0 and canned > 0 and policies > 0


def test_it_adds_only_what_is_missing_when_filled_again(team):
    fill_starter_kit(team.workspace, actor=team.alice)
    first = _kit(team.workspace)
    GuidebookSection.objects.filter(workspace=team.workspace).earliest("pk").delete()

    fill_starter_kit(team.workspace, actor=team.alice)

    assert _kit(team.workspace) == first


def test_it_leaves_workspaces_made_without_the_kit_empty(team):
    assert _kit(team.workspace) == (0, 0, 0)
