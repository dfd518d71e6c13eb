"""A pytest plugin (loaded with -p) that sets the environment before Django reads settings."""

from __future__ import annotations

import os

# Tests render templates without running collectstatic first.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Tests never talk to a real Redis unless a test asks for it explicitly.
os.environ.pop("REDIS_URL", None)
