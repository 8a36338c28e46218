"""The only writer: files into a folder, and whole folders replaced in one swap.

>>> with replacing(Path("site"), kind="site", inputs=[Path("content"), Path("docs")]) as tmp:
...     write_files(tmp, {"index.html": b"..."})
>>> # on success tmp became site/ (the old one is gone); on an exception site/ is untouched
>>> output_kind(Path("site"))
'site'

A build writes everything into a temporary folder next to the target (same file
system), then renames the old target aside, renames the new folder into place
and deletes the old one. A failed build therefore leaves the previous site as
it was, and readers never see a half-written site.

What may be replaced (a mistyped ``--site-dir`` must never delete anything):

1. Only a folder that does not exist, is empty, or holds the marker file
   ``.statuskit-output`` of the same kind. statuskit writes the marker (one constant
   line, e.g. ``statuskit site v1``) at the root of the temporary folder before
   anything else, so every folder it swaps in carries it. A folder without it
   (including a site built by statuskit before the marker existed) is refused:
   the user deletes it once, themselves.
2. Never a folder that is, holds or is inside one of the project's inputs (the
   content folder, docs_dir, custom_dir, ``.git``, ``.github``, the folder holding
   mkdocs.yml) or that is the working directory or one of its parents -- even with
   a marker, which anyone could plant.
3. A symbolic link is resolved first: the folder it points to is checked and
   replaced (the link keeps pointing at it); a link to nothing is refused.
4. Temporary folders are named ``.<name>.<pid>-<random>.tmp`` (and ``.old`` while
   swapping). Ones left by a killed build are deleted by the next build into the
   same target, when their process is gone and they are empty or carry the marker.
5. An OSError (disk full, read-only file system, permission, a lost race with a
   concurrent build) becomes a :class:`StatuskitError` saying what happened; the
   previous folder is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

from ..errors import StatuskitError

__all__ = ["write_files", "write_marker", "replacing", "check_replaceable", "output_kind", "describe_os_error",
           "MARKER", "KINDS"]

MARKER = ".statuskit-output"
"""The marker file at the root of every folder statuskit writes."""

KINDS = ("site", "export", "preview")
"""What a folder written by statuskit can be; the marker holds ``statuskit <kind> v1``."""

_PROJECT_MARKERS = (".git", "mkdocs.yml", "pyproject.toml", "teams.yml", "components.yml")
"""Entries that show a folder is a project or a content folder, never an output folder."""

_NEVER = (".git", ".github")
"""Folders of a project (next to mkdocs.yml, or in the working directory) that are inputs too."""


def _marker_line(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return f"statuskit {kind} v1\n"


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
        if rel == MARKER:
            raise StatuskitError(f"refusing to write {rel!r}: statuskit's own marker file")
        path = root.joinpath(*_safe_relpath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)
    return written


def write_marker(folder: Path, kind: str) -> None:
    """Mark ``folder`` as statuskit's ``kind`` output (a plain ``mkdocs build`` with the plugin, which
    writes into its site_dir itself rather than through :func:`replacing`)."""
    (Path(folder) / MARKER).write_text(_marker_line(kind), encoding="ascii")


def output_kind(folder: Path) -> str | None:
    """The kind ("site", "export", "preview") of a folder statuskit wrote; None for any other
    folder (no marker, or a marker statuskit did not write). The publish path uses it to
    refuse a preview."""
    path = Path(folder) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 64:
            return None
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    for kind in KINDS:
        if text == _marker_line(kind):
            return kind
    return None


# --- what may be replaced ---------------------------------------------------------------------

def _shown(path: Path) -> Path:
    """``path`` as messages show it: relative to the working directory when inside it."""
    path = Path(path)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            return path.relative_to(Path.cwd())
    return path


def _related(a: Path, b: Path) -> bool:
    """a is b, inside b, or holds b."""
    return a == b or b in a.parents or a in b.parents


def _resolve(target: Path) -> Path:
    """The absolute target, every symbolic link resolved (3.)."""
    target = Path(target)
    resolved = target.resolve()
    if target.is_symlink() and not resolved.exists():
        raise StatuskitError(f"refusing to replace {target}: it is a symbolic link to {resolved}, which does not "
                             "exist; point the link at a folder or choose another folder")
    return resolved


def check_replaceable(target: Path, kind: str = "site", inputs: Iterable[Path] = ()) -> Path:
    """Refuse to replace ``target`` unless statuskit may (rules 1-3 of the module docstring);
    returns the folder that will be replaced (symbolic links resolved)."""
    _marker_line(kind)
    shown = _shown(target)
    target = _resolve(Path(target))
    cwd = Path.cwd().resolve()
    # 2. never the working directory or its parents, nor an input, nor .git/.github
    if target == cwd or target in cwd.parents:
        raise StatuskitError(f"refusing to replace {shown}: it is the working directory or one of its parents; "
                             "choose an empty folder or one statuskit wrote")
    protected = [Path(p).resolve() for p in inputs]
    for root in {cwd, *(p.parent for p in protected if p.is_file())}:
        protected += [root / name for name in _NEVER]
    for p in protected:
        if _related(target, p):
            what = "is" if target == p else ("is inside" if p in target.parents else "holds")
            raise StatuskitError(f"refusing to replace {shown}: it {what} {p.name if target != p else 'an input'} "
                                 f"({p}), which the build reads; choose a folder outside the project's inputs")
    if target.is_file():
        raise StatuskitError(f"refusing to replace {shown}: it is a file, not a folder")
    if not target.is_dir():
        return target
    found = [m for m in _PROJECT_MARKERS if (target / m).exists()] + \
        (["content/"] if (target / "content" / "teams.yml").exists() else [])
    if found:
        raise StatuskitError(f"refusing to replace {shown}: it holds {', '.join(found)}, so it is not an output "
                             "folder; choose an empty folder or one statuskit wrote")
    # 1. only an empty folder or one statuskit wrote, of the same kind
    if not any(target.iterdir()):
        return target
    got = output_kind(target)
    if got is None:
        raise StatuskitError(
            f"refusing to replace {shown}: it is not a folder statuskit wrote (no {MARKER}); choose an empty "
            "folder or delete it yourself",
            hint="A site built by statuskit before it wrote this marker has none: delete that folder once.")
    if got != kind:
        raise StatuskitError(f"refusing to replace {shown}: it holds statuskit {got} output, not {kind} output; "
                             "choose another folder or delete it yourself")
    return target


# --- stale temporary folders --------------------------------------------------------------------

def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):  # EPERM: it exists, someone else's; or no pid at all
        return True
    return True


def _clean_stale(parent: Path, name: str) -> None:
    """4. Delete ``.<name>.<pid>-<random>.tmp/.old`` folders whose process is gone (only
    empty ones, ones with the marker, or ones holding nothing but a marker file being written)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d{{1,10}})-[a-z0-9_]{{8}}\.(?:tmp|old)")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or not entry.is_dir(follow_symlinks=False) or _alive(int(m.group(1))):
            continue
        path = Path(entry.path)
        try:
            inside = [p.name for p in path.iterdir()]
            # a build killed while it wrote the marker leaves the marker file alone, maybe empty
            if inside and inside != [MARKER] and output_kind(path) is None:
                continue
            if inside == [MARKER] and (path / MARKER).is_symlink():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _mkdtemp(parent: Path, name: str, suffix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}-", suffix=suffix, dir=parent))


# --- I/O errors in words ----------------------------------------------------------------------

_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}

_RACE = (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT)
"""What the renames of the swap fail with when another build swaps the same target meanwhile."""


def describe_os_error(exc: OSError, tmp: Path | None = None, target: Path | None = None,
                      doing: str = "could not write") -> str:
    """``could not write <file>: <reason>`` for an OSError; a path inside ``tmp`` is shown at
    its place in ``target``. With ``doing=""``: ``<file>: <reason>``."""
    reason = (_REASONS.get(exc.errno) if exc.errno is not None else None) or (exc.strerror or str(exc) or type(exc).__name__).lower()
    where = exc.filename
    if where is not None and tmp is not None and target is not None:
        with contextlib.suppress(ValueError):
            rel = Path(os.fsdecode(where)).relative_to(tmp)
            where = target / rel if rel.parts else target
    head = " ".join(part for part in (doing, os.fsdecode(where) if where is not None else "") if part)
    return f"{head}: {reason}" if head else reason


def _failed(exc: OSError, tmp: Path | None, target: Path, shown: Path) -> StatuskitError:
    return StatuskitError(f"{describe_os_error(exc, tmp, shown)}; {shown} was left as it was")


# --- the swap ---------------------------------------------------------------------------------

@contextlib.contextmanager
def replacing(target: Path, kind: str = "site", inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """A fresh folder next to ``target``, holding the marker of ``kind``; on leaving without an
    exception it replaces ``target``. ``inputs`` are the files and folders the build reads
    (content, docs_dir, custom_dir, mkdocs.yml): ``target`` may not be, hold or be inside one."""
    shown = _shown(target)
    inputs = tuple(inputs)
    real = check_replaceable(shown, kind, inputs)
    parent = real.parent
    tmp: Path | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(parent, real.name)
        tmp = _mkdtemp(parent, real.name, ".tmp")
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a site is meant to be served
        (tmp / MARKER).write_text(_marker_line(kind), encoding="ascii")  # before anything else
    except OSError as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise _failed(exc, tmp, real, shown) from None
    try:
        yield tmp
        # the target may have changed during the build: decide again just before the swap
        check_replaceable(shown, kind, inputs)
        try:
            _swap(tmp, real)
        except OSError as exc:
            if exc.errno not in _RACE:
                raise
            raise StatuskitError(f"could not put the new {kind} in place at {shown}: another build replaced it at "
                                 f"the same time; {shown} now holds that build's output (build again if needed)") from None
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _failed(exc, tmp, real, shown) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = _mkdtemp(target.parent, target.name, ".old")
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            with contextlib.suppress(OSError):
                os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
