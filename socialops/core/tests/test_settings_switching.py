"""DATABASE_URL and REDIS_URL switch the database and the queue; weak secrets stop start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parents[3]
PROBE = """
import json
from django.conf import settings
from huey.contrib.djhuey import HUEY
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "huey_class": settings.HUEY["huey_class"], "huey_type": type(HUEY).__name__,
    "huey_name": HUEY.name, "huey_url": settings.HUEY.get("url"),
    "huey_file": settings.HUEY.get("filename"), "debug": settings.DEBUG,
    "login_failure_limit": settings.AXES_FAILURE_LIMIT,
}))
"""


def _settings_in_subprocess(
    tmp_path: Path, code: str = PROBE, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "CREDENTIALS_KEYS",
            "DEBUG",
            "LOGIN_FAILURE_LIMIT",
        }
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "socialops.settings",
            "SOCIALOPS_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" + uuid.uuid4().hex * 2,
            "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        }
    )
    clean.update(env)
    script = "import django; django.setup()\n" + code
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _probe(tmp_path: Path, **env: str) -> dict[str, object]:
    result = _settings_in_subprocess(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_it_uses_sqlite_under_var_and_the_sqlite_queue_by_default(tmp_path):
    found = _probe(tmp_path)

    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(tmp_path / "socialops.sqlite3")
    assert found["huey_class"] == "huey.SqliteHuey"
    assert found["huey_type"] == "SqliteHuey"
    assert found["huey_file"] == str(tmp_path / "huey.sqlite3")
    assert found["debug"] is False


def test_it_reads_the_login_failure_limit_from_the_environment(tmp_path):
    assert _probe(tmp_path)["login_failure_limit"] == 5
    assert _probe(tmp_path, LOGIN_FAILURE_LIMIT="3")["login_failure_limit"] == 3


def test_it_switches_to_postgresql_with_database_url(tmp_path):
    found = _probe(tmp_path, DATABASE_URL="postgres://so:pw@db.internal:5433/socialops")

    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "socialops"
    assert found["host"] == "db.internal"
    assert found["huey_class"] == "huey.SqliteHuey"


def test_it_switches_the_queue_to_redis_with_redis_url(tmp_path):
    found = _probe(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3", HUEY_NAME="so-probe")

    assert found["huey_class"] == "huey.RedisHuey"
    assert found["huey_type"] == "RedisHuey"
    assert found["huey_url"] == "redis://127.0.0.1:6379/3"
    assert found["huey_name"] == "so-probe"
    assert found["engine"] == "django.db.backends.sqlite3"


def test_it_queues_through_a_real_redis(tmp_path):
    name = "so-test-" + uuid.uuid4().hex[:8]
    code = """
from huey.contrib.djhuey import HUEY
HUEY.storage.conn.ping()
HUEY.put("probe", {"ok": "好"})
print(HUEY.get("probe"))
HUEY.flush()
"""
    result = _settings_in_subprocess(
        tmp_path, code=code, REDIS_URL="redis://127.0.0.1:6379/0", HUEY_NAME=name
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "{'ok': '好'}"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"CREDENTIALS_KEYS": "placeholder"}, "CREDENTIALS_KEYS"),
        ({"CREDENTIALS_KEYS": "not-fernet"}, "CREDENTIALS_KEYS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"WORKER_THREADS": "two"}, "WORKER_THREADS"),
    ],
)
def test_it_refuses_to_start_with_bad_settings(tmp_path, env, message):
    result = _settings_in_subprocess(tmp_path, **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_it_starts_in_debug_with_nothing_set_and_generates_secrets(tmp_path):
    found = _probe(tmp_path, DEBUG="1", SECRET_KEY="", CREDENTIALS_KEYS="")

    assert found["debug"] is True
    assert (tmp_path / "secret_key").exists()
    assert (tmp_path / "credentials_key").exists()
