"""The only writer: files into a folder, and whole folders replaced in one swap.

>>> with replacing(Path("site")) as tmp:      # a fresh folder next to site/
...     write_files(tmp, {"index.html": b"..."})
>>> # on success tmp became site/ (the old one is gone); on an exception site/ is untouched

A build writes everything into a temporary folder next to the target (same file
system), then renames the old target aside, renames the new folder into place
and deletes the old one. A failed build therefore leaves the previous site as
it was, and readers never see a half-written site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from .errors import StatuskitError

__all__ = ["write_files", "replacing", "check_replaceable"]

_PROJECT_MARKERS = (".git", "mkdocs.yml", "pyproject.toml", "teams.yml", "components.yml")
"""Entries that show a folder is a project or a content folder, never an output folder."""


def _safe_relpath(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or any(part in ("..", "") for part in p.parts):
        raise StatuskitError(f"refusing to write outside the output folder: {rel!r}")
    return p


def write_files(root: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write ``files`` (relative POSIX path -> content; str is written as UTF-8) under ``root``,
    in sorted order. Returns the paths written."""
    root = Path(root)
    written = []
    for rel in sorted(files):
        data = files[rel]
        path = root.joinpath(*_safe_relpath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)
    return written


def check_replaceable(target: Path) -> None:
    """Refuse to replace a folder that is not an output folder (a project, the content, the
    working directory or one of its parents)."""
    target = Path(target).resolve()
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        raise StatuskitError(f"refusing to replace {target}: it is the working directory or one of its parents; "
                             "choose an empty or a previous output folder")
    if target.is_file():
        raise StatuskitError(f"refusing to replace {target}: it is a file, not a folder")
    if target.is_dir():
        found = [m for m in _PROJECT_MARKERS if (target / m).exists()] + \
            (["content/"] if (target / "content" / "teams.yml").exists() else [])
        if found:
            raise StatuskitError(f"refusing to replace {target}: it holds {', '.join(found)}, so it is not an output "
                                 "folder; choose an empty or a previous output folder")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A fresh folder next to ``target``; on leaving without an exception it replaces ``target``."""
    target = Path(target)
    check_replaceable(target)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is meant to be served
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap(tmp, parent / target.name)


def _swap(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
