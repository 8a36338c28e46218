"""Built sites shared by the tests under tests/site: each is a real MkDocs build, made once.

- ``demo_site``: the repository's demo (mkdocs.yml + content/) built as of DEMO_AT with
  ``statuskit build`` (MkDocs' build API, atomically into a temporary folder).
- ``fixture_site``: a small site full of text that must not publish and of XSS payloads.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from sitetools import DEMO_AT, FIXTURE_AT, FIXTURE_MKDOCS_YML, REPO, write_fixture_content

from statuskit.publish.build import build_site


def _reexport_root_conftest() -> None:
    """pytest imports this file as module ``conftest``, in place of tests/conftest.py: re-export
    the root's helpers (not its fixtures) so ``from conftest import ...`` works in any order."""
    spec = importlib.util.spec_from_file_location("_statuskit_tests_root_conftest", REPO / "tests" / "conftest.py")
    root = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = root
    spec.loader.exec_module(root)
    for name, value in vars(root).items():
        if not name.startswith("_") and name not in globals() and type(value).__name__ != "FixtureFunctionDefinition":
            globals()[name] = value


_reexport_root_conftest()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    build_site(REPO / "mkdocs.yml", site_dir=out, at=DEMO_AT)
    return out


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory, keys) -> Path:
    """A project folder: mkdocs.yml, docs/, content/ (signed)."""
    root = tmp_path_factory.mktemp("fixture")
    (root / "mkdocs.yml").write_text(FIXTURE_MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir()
    write_fixture_content(root / "content", keys)
    sign_site(root / "content", keys)  # noqa: F821 - re-exported from tests/conftest.py
    return root


@pytest.fixture(scope="session")
def fixture_site(fixture_project) -> Path:
    out = fixture_project / "site"
    build_site(fixture_project / "mkdocs.yml", site_dir=out, at=FIXTURE_AT)
    return out
