"""Trigram indexes for the inbox's substring search (PostgreSQL only; SQLite scans).

``icontains`` compiles to ``UPPER(col) LIKE UPPER('%…%')`` on PostgreSQL, so the indexes are
on ``UPPER(col)`` with ``gin_trgm_ops``: Chinese substrings of 3+ characters use them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMNS = ("preview", "author_name", "author_handle")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS inbox_conv_{column}_trgm ON inbox_conversation "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS inbox_conv_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0002_list_sorts")]

    operations = [migrations.RunPython(create, drop)]
