"""Platform code → connector class.

Each package under connectors/ defines its class in `connector.py` with @register; the package's
`__init__` stays empty so Django can load a package that is also an app (sandbox) before models.
"""

from __future__ import annotations

import importlib
import pkgutil

from socialops.connectors import base
from socialops.connectors.base import Connector

_CONNECTORS: dict[str, type[Connector]] = {}


class UnknownConnector(LookupError):
    pass


def register(cls: type[Connector]) -> type[Connector]:
    """Class decorator: make a connector available under its code."""
    existing = _CONNECTORS.get(cls.code)
    if existing is not None and existing is not cls:
        raise ValueError(f"connector code {cls.code!r} is taken by {existing.__qualname__}")
    _CONNECTORS[cls.code] = cls
    return cls


def _load_packages() -> None:
    """Import every connector package's connector module."""
    package_dir = base.__file__.rsplit("/", 1)[0]
    for module in pkgutil.iter_modules([package_dir]):
        if module.ispkg and module.name != "tests":
            importlib.import_module(f"socialops.connectors.{module.name}.connector")


def get(code: str) -> type[Connector]:
    _load_packages()
    try:
        return _CONNECTORS[code]
    except KeyError:
        raise UnknownConnector(f"no connector {code!r}") from None


def all_connectors() -> dict[str, type[Connector]]:
    _load_packages()
    return dict(sorted(_CONNECTORS.items()))
