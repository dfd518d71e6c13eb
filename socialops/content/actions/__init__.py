"""Every write to content: one transaction each, one audit row with before and after."""

from __future__ import annotations

from .imports import *  # noqa: F403
from .library import *  # noqa: F403
from .planning import *  # noqa: F403
from .posts import *  # noqa: F403
from .review import *  # noqa: F403
from .rules import *  # noqa: F403
