"""Which platform codes an identity may name: the catalog's, and simulated networks (sandbox)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from socialops.platforms import catalog

SIMULATED = {"sandbox": _("Sandbox (simulated)")}


def choices() -> list[tuple[str, str]]:
    """(code, name) of every platform an identity can be on, catalog order, simulated last."""
    found = [(p.code, str(p.name)) for p in catalog.platforms()]
    return found + [(code, str(name)) for code, name in SIMULATED.items()]


def is_known(code: str) -> bool:
    return code in SIMULATED or catalog.get(code) is not None


def name_of(code: str) -> str:
    platform = catalog.get(code)
    if platform is not None:
        return str(platform.name)
    return str(SIMULATED.get(code, code))
