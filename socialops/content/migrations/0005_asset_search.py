"""Search for the content library, by database.

SQLite: an FTS5 table with the trigram tokenizer over content_asset.search_text (external
content), kept in step by triggers, so Chinese substrings of 3+ characters match through it.
PostgreSQL: the pg_trgm extension and a GIN trigram index on search_text, which serves LIKE.
Both: one stored file per workspace (a partial unique index on workspace and SHA-256).

These objects are not in Django's model state: a later migration that makes SQLite rebuild
content_asset would drop the triggers and the index with the old table, and
content/tests/test_library_search.py checks they are still there.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE content_asset_fts USING fts5("
    "search_text, content='content_asset', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER content_asset_fts_insert AFTER INSERT ON content_asset BEGIN "
    "INSERT INTO content_asset_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER content_asset_fts_delete AFTER DELETE ON content_asset BEGIN "
    "INSERT INTO content_asset_fts(content_asset_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER content_asset_fts_update AFTER UPDATE OF search_text ON content_asset BEGIN "
    "INSERT INTO content_asset_fts(content_asset_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO content_asset_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO content_asset_fts(content_asset_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS content_asset_fts_update",
    "DROP TRIGGER IF EXISTS content_asset_fts_delete",
    "DROP TRIGGER IF EXISTS content_asset_fts_insert",
    "DROP TABLE IF EXISTS content_asset_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX content_asset_search_trgm ON content_asset USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS content_asset_search_trgm"]
BOTH_FORWARD = [
    "CREATE UNIQUE INDEX content_asset_file_once ON content_asset (workspace_id, sha256) "
    "WHERE sha256 <> ''",
]
BOTH_BACKWARD = ["DROP INDEX IF EXISTS content_asset_file_once"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_FORWARD)
    _run(schema_editor, BOTH_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, BOTH_BACKWARD)
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_posting_slots"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
