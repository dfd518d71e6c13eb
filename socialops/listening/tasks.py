"""Huey finds an app's tasks here: the sources' and the alerts'."""

from __future__ import annotations

from socialops.listening.alert_tasks import *  # noqa: F403
from socialops.listening.source_tasks import *  # noqa: F403
