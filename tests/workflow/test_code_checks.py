"""`make test` runs ruff, then mypy, then pytest; the config in pyproject.toml decides what each checks.

mypy's config is tried on a small package laid out like statuskit, so that the strict set is known to
follow the package globs (a module moved into a subpackage of model/, gate/ or render/ stays strict) and
the rest to be checked without being strict.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

UNTYPED = "def f(x):\n    return x\n"
NONE_ATTR = "def g(s: str | None) -> int:\n    return len(s.strip())\n"
UNTYPED_BODY = "import os\n\n\ndef h(name):\n    return os.environ.get(name).strip()\n"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed next to {sys.executable}: `pip install -e '.[test]'`")
    return found


def test_make_test_runs_ruff_then_mypy_then_pytest():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", text, re.M)
    assert recipe is not None, "no test target in the Makefile"
    commands = [line.strip() for line in recipe.group(1).splitlines()]
    assert commands == ["$(BIN)/ruff check .", "$(BIN)/mypy", "$(BIN)/python -m pytest -q"]


def test_mypy_is_strict_on_model_gate_render_by_package_globs(tmp_path):
    files = {
        "statuskit/__init__.py": "",
        "statuskit/gate/__init__.py": "",
        "statuskit/gate/moved.py": UNTYPED,  # strict: an unannotated function is an error
        "statuskit/model/__init__.py": "",
        "statuskit/model/sub/__init__.py": "",
        "statuskit/model/sub/deep.py": UNTYPED,  # strict in a subpackage too
        "statuskit/ssh/__init__.py": "",
        "statuskit/ssh/sshsig.py": UNTYPED,  # where the layout branch moves gate/sshsig.py
        "statuskit/render/__init__.py": "",
        "statuskit/render/api.py": UNTYPED,
        "statuskit/render/pages.py": UNTYPED + NONE_ATTR,  # strict like the rest of render/
        "statuskit/cli.py": UNTYPED + NONE_ATTR,  # the rest: not strict, but None handling is checked
        "statuskit/build.py": UNTYPED_BODY,  # ... in the bodies of unannotated functions too
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    proc = subprocess.run([tool("mypy"), "--cache-dir", str(tmp_path / ".mypy_cache")], cwd=tmp_path,
                          capture_output=True, text=True)
    found = sorted(set(re.findall(r"^(statuskit/\S+?):\d+: error: .*\[([a-z-]+)\]$", proc.stdout, re.M)))
    assert found == [
        ("statuskit/build.py", "union-attr"),
        ("statuskit/cli.py", "union-attr"),
        ("statuskit/gate/moved.py", "no-untyped-def"),
        ("statuskit/model/sub/deep.py", "no-untyped-def"),
        ("statuskit/render/api.py", "no-untyped-def"),
        ("statuskit/render/pages.py", "no-untyped-def"),
        ("statuskit/render/pages.py", "union-attr"),
        ("statuskit/ssh/sshsig.py", "no-untyped-def"),
    ], proc.stdout + proc.stderr
    assert proc.returncode == 1


def test_ruff_catches_a_truncating_zip_and_an_unused_import(tmp_path):
    (tmp_path / "statuskit").mkdir()
    (tmp_path / "statuskit" / "m.py").write_text(
        "import os\n\n\ndef pairs(a: list[int], b: list[int]) -> list[tuple[int, int]]:\n"
        "    return list(zip(a, b))\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    proc = subprocess.run([tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."], cwd=tmp_path,
                          capture_output=True, text=True)
    codes = re.findall(r"^statuskit/m\.py:\d+:\d+: ([A-Z]+\d+)", proc.stdout, re.M)
    assert sorted(codes) == ["B905", "F401"], proc.stdout + proc.stderr
    assert proc.returncode == 1
