"""The facade (门面) audit: which items apply per platform, automatic checks, score and fixes.

Pure functions over a stored profile snapshot and the states of an account's checks; the rows
are written by channels.actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OK = "ok"
MISSING = "missing"
MANUAL_OK = "manual_ok"
NOT_APPLICABLE = "not_applicable"
DONE = frozenset({OK, MANUAL_OK})
MIN_BIO_CHARS = 10
MIN_STEM_CHARS = 2
MIN_HANDLE_PREFIX = 3


@dataclass(frozen=True)
class Naming:
    """The matrix's naming pattern: the brand name display names share, the handle prefix."""

    stem: str
    handle_prefix: str
    accounts: int

    def display_ok(self, display_name: str) -> bool:
        return self.accounts < 2 or (bool(self.stem) and self.stem in display_name)

    def handle_ok(self, handle: str) -> bool:
        if self.accounts < 2 or not self.handle_prefix:
            return True
        return handle.lower().lstrip("@").startswith(self.handle_prefix)


ProfileCheck = Callable[[Mapping[str, Any], Naming], bool]


@dataclass(frozen=True)
class Item:
    code: str
    label: Promise
    weight: int
    fix: Promise
    check: ProfileCheck | None  # None: only a person can tell


def _has_contact(profile: Mapping[str, Any], naming: Naming) -> bool:
    if any(str(value).strip() for value in (profile.get("contacts") or {}).values()):
        return True
    bio = str(profile.get("bio") or "")
    return bool(re.search(r"[\w.+-]+@[\w-]+\.[\w.]+|\d{3,4}[- ]?\d{3,4}[- ]?\d{4}|微信|电话", bio))


def _has_link(profile: Mapping[str, Any], naming: Naming) -> bool:
    return bool(profile.get("website")) or "http" in str(profile.get("bio") or "")


def _named_consistently(profile: Mapping[str, Any], naming: Naming) -> bool:
    return naming.display_ok(str(profile.get("display_name") or "")) and naming.handle_ok(
        str(profile.get("handle") or "")
    )


ITEMS: dict[str, Item] = {
    item.code: item
    for item in [
        Item(
            "avatar",
            _("Avatar"),
            15,
            _("Upload an avatar: the brand logo, clear at small sizes."),
            lambda p, n: bool(p.get("avatar_url")),
        ),
        Item(
            "banner",
            _("Banner"),
            10,
            _("Add a banner (cover image) that shows what the account is about."),
            lambda p, n: bool(p.get("banner_url")),
        ),
        Item(
            "bio",
            _("Bio"),
            15,
            _("Write a bio of at least a sentence: who you are and what followers get here."),
            lambda p, n: len(str(p.get("bio") or "").strip()) >= MIN_BIO_CHARS,
        ),
        Item(
            "contact",
            _("Contact"),
            10,
            _("Give a way to reach the team: customer-service email, phone or a DM note."),
            _has_contact,
        ),
        Item(
            "link",
            _("Link"),
            10,
            _("Add the official website or shop link to the profile."),
            _has_link,
        ),
        Item(
            "verification",
            _("Verification (企业认证)"),
            15,
            _("Apply for enterprise verification (企业认证) so people know the account is real."),
            lambda p, n: bool(p.get("verified")),
        ),
        Item(
            "pinned_post",
            _("Pinned post"),
            10,
            _("Pin a post that introduces the account or the current campaign."),
            lambda p, n: bool(p.get("pinned_post_id")),
        ),
        Item(
            "naming",
            _("Naming consistency"),
            15,
            _(
                "Use the brand name in the display name and the same handle pattern as the "
                "other accounts of the matrix."
            ),
            _named_consistently,
        ),
    ]
}

ACROSS_THE_MATRIX = ("naming",)  # applies wherever the workspace has accounts


def items_for(platform: str) -> list[Item]:
    """The items that apply on a platform: the catalog's facade list plus naming consistency.

    A platform the catalog does not know (the sandbox) gets every item.
    """
    from socialops.platforms import catalog

    entry = catalog.get(platform)
    if entry is None:
        return list(ITEMS.values())
    codes = {str(item) for item in entry.facade} | set(ACROSS_THE_MATRIX)
    return [item for code, item in ITEMS.items() if code in codes]


# ---- naming across the matrix -------------------------------------------------------------


def naming_of(accounts: Sequence[tuple[str, str]]) -> Naming:
    """The stem most display names share and the handle prefix most handles share."""
    names = [display for display, _handle in accounts if display]
    handles = [handle.lower().lstrip("@") for _display, handle in accounts if handle]
    return Naming(
        stem=_majority_substring(names),
        handle_prefix=_majority_prefix(handles),
        accounts=len(accounts),
    )


def _majority_substring(names: Sequence[str]) -> str:
    """The longest substring (≥2 characters) found in more than half of the names."""
    if len(names) < 2:
        return names[0] if names else ""
    need = len(names) // 2 + 1
    best = ""
    for name in names:
        for start in range(len(name)):
            for end in range(len(name), start + max(MIN_STEM_CHARS, len(best) + 1) - 1, -1):
                candidate = name[start:end].strip()
                if len(candidate) <= len(best) or len(candidate) < MIN_STEM_CHARS:
                    continue
                if sum(candidate in other for other in names) >= need:
                    best = candidate
                    break
    return best


def _majority_prefix(handles: Sequence[str]) -> str:
    if len(handles) < 2:
        return ""
    need = len(handles) // 2 + 1
    best = ""
    for handle in handles:
        for length in range(len(handle), MIN_HANDLE_PREFIX - 1, -1):
            prefix = handle[:length]
            if length > len(best) and sum(h.startswith(prefix) for h in handles) >= need:
                best = prefix
                break
    return best.rstrip("_-.")


# ---- audit, score, fixes ------------------------------------------------------------------


def automatic_states(
    platform: str, profile: Mapping[str, Any] | None, naming: Naming
) -> dict[str, str]:
    """What the stored live profile shows for each applicable item ({} without a profile)."""
    if not profile:
        return {}
    return {
        item.code: OK if item.check(profile, naming) else MISSING
        for item in items_for(platform)
        if item.check is not None
    }


def score(platform: str, states: Mapping[str, str]) -> int:
    """0–100: the weight of items done over the weight of items that apply."""
    applicable = [item for item in items_for(platform) if states.get(item.code) != NOT_APPLICABLE]
    total = sum(item.weight for item in applicable)
    if total == 0:
        return 100
    done = sum(item.weight for item in applicable if states.get(item.code) in DONE)
    return round(100 * done / total)


def fixes(platform: str, states: Mapping[str, str]) -> list[str]:
    """What to do, heaviest first, for every applicable item not done."""
    todo = [
        item
        for item in items_for(platform)
        if states.get(item.code, MISSING) not in DONE | {NOT_APPLICABLE}
    ]
    return [str(item.fix) for item in sorted(todo, key=lambda item: -item.weight)]


def merge(
    automatic: Mapping[str, str], stored: Mapping[str, str], codes: Iterable[str]
) -> dict[str, str]:
    """A person's tick ("confirmed", "does not apply") stands; else the live profile decides."""
    merged: dict[str, str] = {}
    for code in codes:
        if stored.get(code) in {MANUAL_OK, NOT_APPLICABLE}:
            merged[code] = stored[code]
        else:
            merged[code] = automatic.get(code) or stored.get(code) or MISSING
    return merged
