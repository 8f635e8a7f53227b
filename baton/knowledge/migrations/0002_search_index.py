"""The full-text index beside `knowledge_searchentry`: FTS5 + triggers on SQLite, a generated tsvector column with
a GIN index on PostgreSQL (see baton/knowledge/search_backend.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from baton.knowledge import search_backend

    search_backend.install(schema_editor)


def uninstall(apps, schema_editor):
    from baton.knowledge import search_backend

    search_backend.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
