"""The `socialops` command: help on every verb, createuser, demo, init."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from django.core.management import call_command
from django.utils import translation

from socialops.accounts.demo import OWNER_EMAIL, TEAM
from socialops.accounts.models import Membership, User, Workspace
from socialops.accounts.roles import Role
from socialops.cli import main
from socialops.conftest import PASSWORD
from socialops.core.models import AuditEvent

VERBS = sorted(main.commands)


def test_it_has_the_verbs_the_readme_promises():
    assert {"serve", "worker", "migrate", "createuser", "demo", "init"} <= set(VERBS)


def test_it_lists_every_verb_in_its_help():
    result = CliRunner().invoke(main, ["--help"])

    assert result.exit_code == 0
    for verb in VERBS:
        assert verb in result.output


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_it_explains_every_verb(verb, flag):
    result = CliRunner().invoke(main, [verb, flag])

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: main {verb}")
    help_text = main.commands[verb].help or ""
    assert help_text
    summary = " ".join(help_text.split("\n")[0].split())
    assert summary in " ".join(result.output.split())


def _createuser(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["createuser", *args], input=input)


def test_it_creates_a_user_with_a_membership(team):
    result = _createuser(
        "--email", "Ivy@Example.com", "--password", PASSWORD, "--name", "Ivy 艾薇",
        "--workspace", "acme", "--role", "analyst",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "user Ivy@Example.com created as analyst of acme" in result.output
    ivy = User.objects.get(email="ivy@example.com")
    assert ivy.name == "Ivy 艾薇"
    assert ivy.check_password(PASSWORD)
    assert Membership.objects.get(user=ivy).role == Role.ANALYST
    event = AuditEvent.objects.get(action="member.added")
    assert event.via == "cli"
    assert event.workspace == team.workspace
    assert event.after == {"user": ivy.pk, "role": "analyst"}
    assert AuditEvent.objects.get(action="user.created", actor=ivy).via == "cli"


def test_it_creates_a_user_without_a_workspace_and_prompts_for_the_password(db):
    result = _createuser("--email", "solo@example.com", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert not Membership.objects.filter(user__email="solo@example.com").exists()
    assert User.objects.get(email="solo@example.com").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "no-such-brand"], "no workspace with short name 'no-such-brand'"),
        (["--password", "123"], "too short"),
        (["--password", "password1234"], "too common"),
        (["--email", "alice@example.com"], "already exists"),
        (["--role", "wizard"], "Invalid value for '--role'"),
    ],
)
def test_it_refuses_a_bad_createuser_with_a_clear_message(team, args, message):
    options = {"--email": "ivy@example.com", "--password": PASSWORD, "--workspace": "acme"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    users_before = User.objects.count()

    with translation.override("en"):
        result = _createuser(*[part for pair in options.items() for part in pair])

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert User.objects.count() == users_before
    assert not AuditEvent.objects.filter(action="member.added").exists()


def _state() -> dict[str, Any]:
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "workspaces": sorted(Workspace.objects.values_list("slug", flat=True)),
        "memberships": sorted(
            Membership.objects.values_list("workspace__slug", "user__email", "role")
        ),
        "audit": AuditEvent.objects.count(),
    }


def test_it_loads_the_demo_once_however_often_it_runs(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    first = CliRunner().invoke(main, ["demo"])
    state = _state()
    second = CliRunner().invoke(main, ["demo"])

    assert first.exit_code == second.exit_code == 0, first.output
    assert _state() == state
    password = (tmp_path / "demo_password").read_text().strip()
    assert f"owner login: {OWNER_EMAIL}  password: {password}" in first.output
    assert first.output == second.output
    assert User.objects.get(email=OWNER_EMAIL).check_password(password)
    assert state["workspaces"] == ["demo", "demo-global"]
    demo_roles = {
        email: role
        for slug, email, role in state["memberships"]
        if slug == "demo"  # type: ignore[attr-defined]
    }
    assert demo_roles == {OWNER_EMAIL: "owner", **{email: str(role) for email, _n, role in TEAM}}
    assert Workspace.objects.get(slug="demo").name == "示例品牌 Demo Brand"
    assert Workspace.objects.get(slug="demo-global").time_zone == "Europe/London"


def test_it_fills_in_what_is_missing_from_the_demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    CliRunner().invoke(main, ["demo"])
    Membership.objects.filter(user__email=TEAM[0][0]).delete()

    result = CliRunner().invoke(main, ["demo"])

    assert result.exit_code == 0
    assert Membership.objects.get(user__email=TEAM[0][0]).role == TEAM[0][2]


def test_it_generates_secrets_once_with_init(tmp_path):
    runner = CliRunner(
        env={"SOCIALOPS_VAR_DIR": str(tmp_path), "SECRET_KEY": "", "CREDENTIALS_KEYS": ""}
    )

    first = runner.invoke(main, ["init"])
    keys = {name: (tmp_path / name).read_text() for name in ("secret_key", "credentials_key")}
    second = runner.invoke(main, ["init"])

    assert first.exit_code == second.exit_code == 0, first.output
    assert str(tmp_path) in first.output
    assert keys == {name: (tmp_path / name).read_text() for name in keys}


def test_it_has_a_migration_for_every_model_change(db):
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
