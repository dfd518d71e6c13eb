"""The Simplified Chinese catalogue is complete, compiled, and what the pages actually show."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from socialops.accounts import actions
from socialops.accounts.roles import Role
from socialops.conftest import Team

# The project-wide catalogue, and one per app that has its own socialops/<app>/locale/.
PO = Path(settings.BASE_DIR) / "socialops" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOGUES = sorted(
    (Path(settings.BASE_DIR) / "socialops").glob("**/locale/zh_Hans/LC_MESSAGES/*.po")
)
by_name = pytest.mark.parametrize(
    "po", CATALOGUES, ids=[str(p.relative_to(settings.BASE_DIR)) for p in CATALOGUES]
)


def catalog(po: Path = PO) -> Catalog:
    with po.open("rb") as handle:
        read = read_po(handle)
    read.locale = po.parent.parent.name  # type: ignore[assignment]  # as compilemessages does
    return read


def entries(po: Path | None = None) -> list[Message]:
    """Entries of one catalogue, or of all of them."""
    return [m for path in ([po] if po else CATALOGUES) for m in catalog(path) if m.id]


def translations(message: Message) -> list[str]:
    """The msgstr, or each plural form of it."""
    if isinstance(message.string, str):
        return [message.string]
    return [str(text or "") for text in message.string or ()]


@pytest.fixture
def compiled() -> None:
    """Pages are only translated if the .mo Django loads was compiled from the current .po."""
    for po in CATALOGUES:
        fresh = io.BytesIO()
        write_mo(fresh, catalog(po))
        mo = po.with_suffix(".mo")
        current = mo.read_bytes() if mo.exists() else b""
        assert current == fresh.getvalue(), (
            f"{mo} is missing or stale: run `socialops compilemessages`"
        )


@by_name
def test_it_translates_every_message(po: Path) -> None:
    untranslated = [
        m.id
        for m in entries(po)
        if not translations(m) or not all(t.strip() for t in translations(m))
    ]

    assert len(entries(po)) > (100 if po == PO else 0)
    assert untranslated == []


@by_name
def test_it_leaves_no_fuzzy_entry(po: Path) -> None:
    fuzzy = [m.id for m in entries(po) if m.fuzzy]

    assert not catalog(po).fuzzy
    assert fuzzy == []


def test_it_keeps_every_placeholder_in_the_translation() -> None:
    placeholder = re.compile(r"%(?:\(\w+\))?[sd]|%%")
    wrong = []
    for message in entries():
        source = message.id if isinstance(message.id, str) else message.id[0]
        for text in translations(message):
            if sorted(set(placeholder.findall(text))) != sorted(set(placeholder.findall(source))):
                wrong.append((source, text))

    assert wrong == []
    assert [errors for po in CATALOGUES for _m, errors in catalog(po).check() if errors] == []


@pytest.mark.parametrize(
    ("language", "html_lang", "expected", "absent"),
    [
        ("zh-hans", "zh-Hans", "忘记密码？", "Forgot your password?"),
        ("en", "en", "Forgot your password?", "忘记密码"),
    ],
)
def test_it_renders_the_login_page_in_each_language(
    compiled: None, db: Any, language: str, html_lang: str, expected: str, absent: str
) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/login/").content.decode()

    assert f'<html lang="{html_lang}">' in page
    assert expected in page
    assert absent not in page


def test_it_renders_the_login_page_in_chinese_by_default(compiled: None, db: Any) -> None:
    page = Client().get("/login/").content.decode()

    assert "在一个地方运营所有官方账号" in page


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(
        r'\s(?:class|href|id|action|src|name|value|type|for|data-[\w-]+)="[^"]*"', " ", html
    )
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _pages(team: Team, language: str) -> dict[str, str]:
    """Every page alice (owner) and a visitor can see, rendered in one language."""
    alice = team.access("alice")
    _invitation, raw = actions.invite_member(access=alice, email="new@example.com", role=Role.AGENT)
    actions.create_api_token(access=alice, name="ci")
    actions.update_profile(user=team.alice, language=language)
    member = team.browser("alice")
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    member_paths = [
        "/profile/",
        "/workspaces/",
        "/password/change/",
        "/w/acme/",
        "/w/acme/settings/",
        "/w/acme/settings/members/",
        "/w/acme/settings/invitations/",
        "/w/acme/settings/tokens/",
        "/w/acme/settings/roles/",
        "/w/acme/settings/audit/",
        "/w/acme/platform/",
        "/w/acme/content/",
        "/w/acme/interaction/",
        "/w/acme/analytics/",
        "/w/no-such-workspace/",
    ]
    visitor_paths = [
        "/login/",
        "/password/reset/",
        "/password/reset/sent/",
        "/password/reset/done/",
        "/password/reset/MQ/not-a-token/",
        f"/invite/{raw}/",
        "/invite/not-a-token/",
    ]
    pages = {path: member.get(path).content.decode() for path in member_paths}
    pages.update({"visitor " + path: visitor.get(path).content.decode() for path in visitor_paths})
    invited = member.post(
        "/w/acme/settings/invitations/", {"email": "x@example.com", "role": "analyst"}
    )
    pages["new invitation"] = invited.content.decode()
    pages["new token"] = member.post("/w/acme/settings/tokens/", {"name": "t"}).content.decode()
    return pages


def test_it_shows_no_untranslated_text_on_chinese_pages(compiled: None, team: Team) -> None:
    english = {
        source
        for m in entries()
        for source in ([m.id] if isinstance(m.id, str) else list(m.id))
        if len(source) >= 12 and translations(m)[0] != source
    }

    leaks = {
        name: sorted(s for s in english if s.replace("%%", "%") in _visible_text(html))
        for name, html in _pages(team, "zh-hans").items()
    }

    assert {name: found for name, found in leaks.items() if found} == {}


def test_it_shows_no_chinese_ui_text_on_english_pages(compiled: None, team: Team) -> None:
    chinese = {t for m in entries() for t in translations(m) if len(t) >= 4 and t != m.id}

    leaks = {
        name: sorted(t for t in chinese if t in _visible_text(html))
        for name, html in _pages(team, "en").items()
    }

    assert {name: found for name, found in leaks.items() if found} == {}


@by_name
def test_each_compiled_catalogue_says_chinese_has_one_plural_form(po: Path) -> None:
    import gettext

    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    assert compiled.info().get("plural-forms") == "nplurals=1; plural=0;"
    assert compiled.plural(2) == 0  # type: ignore[attr-defined]  # else English shows for 2+


def test_a_plural_from_an_apps_catalogue_reads_in_chinese() -> None:
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("zh-hans"):
        shown = ngettext("%(n)s mention", "%(n)s mentions", 3) % {"n": 3}

    assert shown == "3 条提及"
