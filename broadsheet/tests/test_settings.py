from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from broadsheet.lib import env
from broadsheet.lib.secret import load_or_create_secret_key

REPO = Path(__file__).resolve().parents[2]


def documented_settings() -> set[str]:
    """Names in the first column of the README's configuration tables."""
    readme = (REPO / "README.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))


def test_every_setting_read_is_documented_in_the_readme() -> None:
    import broadsheet.settings  # noqa: F401  (reading the settings declares them)

    undocumented = env.DECLARED - documented_settings()
    assert not undocumented, f"settings missing from README.md: {sorted(undocumented)}"


def test_the_readme_documents_no_setting_that_is_not_read() -> None:
    import broadsheet.settings  # noqa: F401

    stale = documented_settings() - env.DECLARED
    assert not stale, f"README.md documents settings nothing reads: {sorted(stale)}"


def test_only_the_env_helpers_read_the_environment() -> None:
    """Tests may build environments for the processes they start; the site may not."""
    package = REPO / "broadsheet"
    readers = [
        path.relative_to(REPO).as_posix()
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "test.py"
        and re.search(r"os\.environ(?!\.setdefault)|os\.getenv", path.read_text())
    ]
    assert readers == ["broadsheet/lib/env.py"]


def test_env_int_rejects_words_with_the_setting_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_TEST_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="BROADSHEET_TEST_NUMBER"):
        env.env_int("BROADSHEET_TEST_NUMBER", 1)
    env.DECLARED.discard("BROADSHEET_TEST_NUMBER")


def test_env_int_enforces_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("BROADSHEET_TEST_NUMBER", 5, minimum=1)
    env.DECLARED.discard("BROADSHEET_TEST_NUMBER")


def test_env_bool_reads_yes_and_no_and_rejects_others(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("yes", True), ("1", True), ("off", False), ("", False)]:
        monkeypatch.setenv("BROADSHEET_TEST_FLAG", raw)
        assert env.env_bool("BROADSHEET_TEST_FLAG", not expected) is expected
    monkeypatch.setenv("BROADSHEET_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="true or false"):
        env.env_bool("BROADSHEET_TEST_FLAG", False)
    env.DECLARED.discard("BROADSHEET_TEST_FLAG")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_TEST_LIST", " a.example , ,b.example")
    assert env.env_list("BROADSHEET_TEST_LIST", []) == ["a.example", "b.example"]
    env.DECLARED.discard("BROADSHEET_TEST_LIST")


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 50
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
