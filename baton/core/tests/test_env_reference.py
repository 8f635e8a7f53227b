"""README's environment table is written from what baton/settings.py reads, so it cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from baton.core import env_reference
from baton.core.management.commands import env_reference as command

SETTINGS_SOURCE = Path(settings.BASE_DIR, "baton", "settings.py").read_text()
READS = re.compile(r'\b(?:env|env_bool|env_int|describe_env)\(\s*"([A-Z][A-Z0-9_]*)"')


def test_readme_table_is_the_one_settings_generate():
    readme = env_reference.README.read_text()
    assert env_reference.with_table(readme) == readme, "run `python manage.py env_reference` and commit README.md"


def test_every_variable_settings_read_is_in_the_table_with_a_meaning():
    """Each read in the source is recorded (none hides behind an `if` the tests do not take), and each has a meaning."""
    read_in_source = set(READS.findall(SETTINGS_SOURCE))
    assert read_in_source == set(settings.ENVIRONMENT)
    assert env_reference.undocumented() == []
    table = env_reference.table()
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DB_CONN_MAX_AGE", "LOG_LEVEL", "EMAIL_BACKEND"):
        assert f"| `{name}` |" in table
    assert "| `STATIC_ROOT` | `./staticfiles` (in the checkout) |" in table
    assert "| `MEDIA_ROOT` | `<BATON_DATA_DIR>/media` |" in table


def test_defaults_in_the_table_do_not_depend_on_this_machine():
    """A path or an environment-dependent default is written as README means it, never as this checkout's path."""
    assert str(settings.BASE_DIR) not in env_reference.table()


def test_the_command_checks_and_rewrites(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{env_reference.START}\n| stale |\n{env_reference.END}\n\nafter\n")
    monkeypatch.setattr(command, "README", readme)
    with pytest.raises(CommandError, match="out of date"):
        call_command("env_reference", "--check")
    call_command("env_reference")
    text = readme.read_text()
    assert "| stale |" not in text and "| `DATABASE_URL` |" in text and text.endswith("after\n")
    call_command("env_reference", "--check")
    assert "current" in capsys.readouterr().out


def test_a_readme_without_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        env_reference.with_table("# no table here\n")
