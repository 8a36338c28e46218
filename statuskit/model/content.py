"""Reading a whole content folder: the only reader of content/.

>>> content = load_content(Path("content"))      # raises ContentError listing every problem
>>> [i.id for i in content.incidents]
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeAlias

from ..infra.cache import Hash, feed
from ..errors import ContentError, Problem
from .load import MAX_BYTES, parse_yaml, read_yaml
from ..infra.parallel import pmap
from .records import ApprovalFile, Component, Content, FrozenDict, Incident, Teams
from .validate import ID_RE, validate_components, validate_incident, validate_teams

APPROVAL_NAME_RE = re.compile(r"\A([a-z0-9][a-z0-9-]{0,79})--([a-z0-9][a-z0-9-]{0,79})\.sig\Z", re.ASCII)
"""<team>--<member>.sig, the whole name (``\\Z``: no trailing line feed, as ``$`` would allow)."""
UPDATE_DIR_RE = re.compile(r"\A[1-9][0-9]{0,8}\Z", re.ASCII)
"""An approvals/<incident>/<update> folder name: an update id in ASCII digits, no leading zero."""
MAX_SIG_BYTES = 64 * 1024
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

ONLY_REGULAR = "statuskit reads only regular files and folders inside content/"


def refused(name: str, mode: int) -> str | None:
    """Why statuskit will not read the entry ``name`` of content/ whose ``lstat`` mode is ``mode``
    (None: a regular file or folder it may read).

    Symbolic links could make content/ show files from anywhere (and git stores them as links, so
    what was approved is not what is read); hidden entries are easy to miss in a review; named pipes,
    sockets and devices are not files at all (reading a named pipe waits forever).
    """
    if stat.S_ISLNK(mode):
        return (f"this is a symbolic link; {ONLY_REGULAR} (a link could point anywhere): "
                f"replace it with the file or folder itself")
    if name.startswith("."):
        what = "folder" if stat.S_ISDIR(mode) else "file"
        return (f"this is a hidden {what} (its name starts with '.'); {ONLY_REGULAR}, and hidden ones are "
                f"easy to miss in a review: remove it or give it a name without the leading '.'")
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device file" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"this is {what}; {ONLY_REGULAR}: remove it"


def shown_name(name: str) -> str:
    """A file name as messages show it: control characters (a line feed in a name) escaped."""
    return name if name.isprintable() else name.encode("unicode_escape").decode("ascii")


def display_path(path: Path) -> str:
    """A path as users typed it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def load_content(root: Path, only: set[str] | None = None) -> Content:
    """Read and validate everything under ``root``; raise ContentError with every problem.

    ``only``: read just these incident ids, with components.yml and teams.yml (a command about
    one incident need not read ten thousand; an empty set reads no incident at all).
    """
    content, problems = load_content_report(root, only)
    if content is None:
        raise ContentError(problems)
    return content


def load_content_report(root: Path, only: set[str] | None = None) -> tuple[Content | None, list[Problem]]:
    """Like :func:`load_content` but returns the problems instead of raising.

    ``only``: read just these incident ids (those that exist), with components.yml and teams.yml.
    """
    root = Path(root)
    if not root.is_dir():
        return None, [missing_folder(root)]

    components, teams, problems = load_site_files(root)

    # incidents/*.yml, sorted by id; each file with its approvals (in parallel for large sites)
    component_ids = frozenset(c.id for c in components)
    incidents = []
    approvals: dict[tuple[str, int], tuple[ApprovalFile, ...]] = {}
    names = incident_names(root)
    if only is not None:
        names = [n for n in names if n.endswith(".yml") and n[:-4] in only]
    shared = (display_path(root), str(root), component_ids)
    for inc, p, found in pmap(load_incident, names, shared):
        problems += p
        if inc is not None:
            incidents.append(inc)
            approvals.update(found)

    if only is None:
        problems += stray_approvals(root, {i.id for i in incidents}, set(names))
    if any(pr.severity.value == "error" for pr in problems) or teams is None:
        return None, problems
    return Content(str(root), components, teams, tuple(incidents), FrozenDict(approvals)), problems


def missing_folder(root: Path) -> Problem:
    """The problem of a content folder that does not exist."""
    return Problem(display_path(root), None, None, "content folder not found (use --content DIR)")


def load_site_files(root: Path) -> tuple[tuple[Component, ...], Teams | None, list[Problem]]:
    """components.yml and teams.yml under ``root`` (an existing folder): components, teams, problems
    (with those of :func:`tree_problems`)."""
    # nothing that is not a regular file or folder, anywhere
    problems: list[Problem] = tree_problems(root)
    # components.yml (a link, a pipe ...: reported by tree_problems)
    components, p = _site_yaml(root / "components.yml", validate_components, (),
                               "file is missing: every site lists its components", refusals=False)
    problems += p
    # teams.yml
    teams, p = _site_yaml(root / "teams.yml", validate_teams, None,
                          "file is missing: the approval teams are defined there", refusals=False)
    problems += p
    return components, teams, problems


def load_components(root: Path) -> tuple[tuple[Component, ...], list[Problem]]:
    """components.yml under ``root`` alone, as :func:`load_site_files` reads it (a link or pipe named)."""
    return _site_yaml(Path(root) / "components.yml", validate_components, (),
                      "file is missing: every site lists its components", refusals=True)


def _site_yaml(path: Path, validate: Callable[[Any], tuple[Any, list[Problem]]], empty: Any, missing: str, *,
               refusals: bool) -> tuple[Any, list[Problem]]:
    """(validated value or ``empty``, problems) of one site file; a refused entry (see :func:`refused`)
    is named when ``refusals``, else left to :func:`tree_problems`."""
    kind = _site_file(path)
    if kind == "refused":
        try:
            why = refused(path.name, os.lstat(path).st_mode) if refusals else None
        except OSError as exc:
            why = f"cannot read file: {exc.strerror or exc}"
        return empty, [Problem(display_path(path), None, None, why)] if why else []
    if kind != "file":
        return empty, [Problem(display_path(path), None, None, missing)]
    doc, problems = read_yaml(path, display_path(path))
    if doc is None:
        return empty, problems
    value, p = validate(doc)
    return value, problems + p


def _site_file(path: Path) -> str:
    """"file" (a regular file), "refused" (see :func:`refused`; links not followed) or "missing"."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return "file"
    return "refused" if refused(path.name, mode) else "missing"


def incident_names(root: Path) -> list[str]:
    """The entries of ``root``/incidents, sorted (the loader judges each, hidden ones included)."""
    inc_dir = Path(root) / "incidents"
    try:
        if not stat.S_ISDIR(os.lstat(inc_dir).st_mode):
            return []  # a link or a file: reported by tree_problems
        return sorted(e.name for e in os.scandir(inc_dir))
    except OSError:
        return []


def tree_problems(root: Path) -> list[Problem]:
    """Entries of ``root`` that statuskit refuses (:func:`refused`), anywhere in it: except the entries
    of incidents/ and of approvals/<incident>/, which the loader judges as it reads them."""
    problems: list[Problem] = []

    def walk(folder: str, disp: str, depth: int, level: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(disp, None, None, f"cannot read folder: {exc.strerror or exc}"))
            return
        for e in entries:
            kind = _kind(e)
            if kind.startswith("refused:"):
                problems.append(Problem(f"{disp}/{shown_name(e.name)}", None, None, kind[8:]))
            elif kind != "d" or depth >= 40:
                continue
            elif level == "root" and e.name == "incidents":
                continue  # each entry judged by load_incident
            elif level == "root" and e.name == "approvals":
                walk(e.path, f"{disp}/{e.name}", depth + 1, "approvals")
            elif level == "approvals" and e.name != "_teams":
                continue  # approvals/<incident>/: judged by read_incident (or stray_approvals)
            else:
                walk(e.path, f"{disp}/{shown_name(e.name)}", depth + 1, "below")

    root = Path(root)
    walk(str(root), display_path(root), 0, "root")
    return problems


SigEntry: TypeAlias = tuple[str, str, int, "bytes | None"]
"""One entry of an update's approvals folder: name, kind, size, bytes (None unless a readable .sig)."""
UpdateEntry: TypeAlias = tuple[str, str, "tuple[SigEntry, ...] | None"]
"""One entry of approvals/<incident>/: name, kind, and its entries when it is an update folder."""


@dataclass(frozen=True)
class RawIncident:
    """The bytes behind one incidents/<name> entry and its approvals folder, read but not judged.

    Reading is kept apart from judging so that ``check`` can recognise an incident
    it has checked before by its exact bytes (:mod:`statuskit.workflow.check_cache`).
    """

    name: str
    data: bytes | None
    """The file's bytes; None when it is a folder, too large or unreadable (see ``error``)."""
    error: str | None
    """Why there are no bytes: "folder", "size:<n>", or the reason it could not be read."""
    approvals: tuple[UpdateEntry, ...] | None
    """None when there is no approvals/<stem> folder; else one (name, kind, sigs) per entry, kind being
    "d", "f" or "refused:<why>" (see :func:`refused`),
    sigs being None or (name, kind, size, bytes or None) per entry of an update folder."""

    def feed(self, h: Hash) -> None:
        """Add every byte that the checks of this incident depend on to the hash ``h``."""
        def name(s: str) -> bytes:
            return s.encode("utf-8", "surrogateescape")  # file names need not be UTF-8
        feed(h, name(self.name), self.data, (self.error or "").encode())
        for upd_name, kind, sigs in self.approvals or ():
            feed(h, b"U", name(upd_name), kind.encode())
            for sig_name, sig_kind, size, data in sigs or ():
                feed(h, b"S", name(sig_name), sig_kind.encode(), str(size).encode(), data)
        feed(h, b"A" if self.approvals is not None else b"-")


def read_incident(root_str: str, name: str) -> RawIncident:
    """Read incidents/<name> and, when its name can be an incident id, approvals/<stem>/."""
    path = os.path.join(root_str, "incidents", name)
    stem, dot, suffix = name.rpartition(".")
    data: bytes | None = None
    error: str | None = None
    try:
        st = os.lstat(path)
        why = refused(name, st.st_mode)
        if why is not None:
            error = "refused:" + why
        elif stat.S_ISDIR(st.st_mode):
            error = "folder"
        elif st.st_size > MAX_BYTES:
            error = f"size:{st.st_size}"
        elif dot and suffix == "yml":
            data = _read_small(path, MAX_BYTES)
            if len(data) > MAX_BYTES:  # grew since the stat
                error = f"size:{len(data)}"
                data = None
    except OSError as exc:
        error = exc.strerror or str(exc)
    approvals = None
    if data is not None and ID_RE.match(stem):
        approvals = _read_approvals(os.path.join(root_str, "approvals", stem))
    return RawIncident(name, data, error, approvals)


def _kind(entry: os.DirEntry[str]) -> str:
    """"d" (folder), "f" (regular file) or "refused:<why>" (links not followed; see :func:`refused`)."""
    try:
        if not entry.name.startswith("."):  # the common cases from the folder listing, no system call
            if entry.is_file(follow_symlinks=False):
                return "f"
            if entry.is_dir(follow_symlinks=False):
                return "d"
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"refused:cannot read: {exc.strerror or exc}"
    why = refused(entry.name, mode)
    if why is not None:
        return "refused:" + why
    return "d" if stat.S_ISDIR(mode) else "f"


def _read_approvals(base: str) -> tuple[UpdateEntry, ...] | None:
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return None  # a link is reported by tree_problems
        entries = sorted(os.scandir(base), key=lambda e: (len(e.name), e.name))
    except (FileNotFoundError, NotADirectoryError):
        return None
    out: list[UpdateEntry] = []
    for upd in entries:
        kind = _kind(upd)
        sigs: tuple[SigEntry, ...] | None = None
        if kind == "d" and UPDATE_DIR_RE.match(upd.name):
            found: list[SigEntry] = []
            for sig in sorted(os.scandir(upd.path), key=lambda e: e.name):
                sig_kind = _kind(sig)
                size, data = 0, None
                if sig_kind == "f" and APPROVAL_NAME_RE.match(sig.name):
                    data = _read_small(sig.path, MAX_SIG_BYTES)
                    size = len(data)
                    if size > MAX_SIG_BYTES:
                        data = None
                found.append((sig.name, sig_kind, size, data))
            sigs = tuple(found)
        out.append((upd.name, kind, sigs))
    return tuple(out)


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` (at most ``limit`` + 1) if it is a regular file; OSError for anything else,
    a link or a named pipe included (opened without following links, without waiting for a writer)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | _O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
    finally:
        os.close(fd)
    return _read_small(str(path), limit)


def _read_small(path: str, limit: int) -> bytes:
    """The file's bytes, or its first ``limit`` + 1 bytes when it is larger (raw system calls:
    100,000 signature files are read per check of a large site)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | _O_NOFOLLOW)
    try:
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_incident(
    shared: tuple[str, str, frozenset[str]], name: str, raw: RawIncident | None = None
) -> tuple[Incident | None, list[Problem], dict[tuple[str, int], tuple[ApprovalFile, ...]]]:
    """One incidents/<name> file and its approval files (runs in a worker for large sites)."""
    root_disp, root_str, component_ids = shared
    if raw is None:
        raw = read_incident(root_str, name)
    disp = f"{root_disp}/incidents/{shown_name(name)}"
    stem, dot, suffix = name.rpartition(".")
    if raw.error and raw.error.startswith("refused:"):
        return None, [Problem(disp, None, None, raw.error[8:])], {}
    if raw.error == "folder":
        return None, [Problem(disp, None, None, "unexpected folder in incidents/")], {}
    if suffix == "yaml":
        return None, [Problem(disp, None, None, "incident files end in .yml, not .yaml")], {}
    if not dot or suffix != "yml":
        return None, [Problem(disp, None, None, "unexpected file in incidents/ (only <incident-id>.yml files belong here)")], {}
    if not ID_RE.match(stem):
        return None, [Problem(disp, None, None, f"file name '{shown_name(stem)}' is not a valid incident id (^[a-z0-9][a-z0-9-]{{0,79}}$)")], {}
    if raw.data is None:
        if raw.error and raw.error.startswith("size:"):
            msg = f"file is {raw.error[5:]} bytes; the limit is {MAX_BYTES} (1 MiB)"
        else:
            msg = f"cannot read file: {raw.error}"
        return None, [Problem(disp, None, None, msg)], {}
    doc, problems = parse_yaml(raw.data, disp)
    if doc is None:
        return None, problems, {}
    inc, p = validate_incident(doc, stem, component_ids)
    problems += p
    if inc is None:
        return None, problems, {}
    found, p = _incident_approvals(raw.approvals, f"{root_disp}/approvals/{stem}", inc)
    return inc, problems + p, found


def _incident_approvals(
    entries: tuple[UpdateEntry, ...] | None, disp: str, inc: Incident
) -> tuple[dict[tuple[str, int], tuple[ApprovalFile, ...]], list[Problem]]:
    """content/approvals/<incident>/<update>/<team>--<member>.sig, as read by :func:`read_incident`."""
    out: dict[tuple[str, int], tuple[ApprovalFile, ...]] = {}
    problems: list[Problem] = []
    n_updates = len(inc.updates)
    for upd_name, kind, sigs in entries or ():
        upd_disp = f"{disp}/{shown_name(upd_name)}"
        if kind.startswith("refused:"):
            problems.append(Problem(upd_disp, None, None, kind[8:]))
            continue
        if sigs is None:
            problems.append(Problem(upd_disp, None, None, "expected a folder named after an update id (1, 2, 3, ...)"))
            continue
        n = int(upd_name)
        if n > n_updates:
            problems.append(Problem(upd_disp, None, None,
                                    f"approvals for update {n}, but incident '{inc.id}' has {n_updates} update(s)"))
            continue
        files = []
        for sig_name, sig_kind, size, data in sigs:
            sig_disp = f"{upd_disp}/{shown_name(sig_name)}"
            if sig_kind.startswith("refused:"):
                problems.append(Problem(sig_disp, None, None, sig_kind[8:]))
                continue
            m = APPROVAL_NAME_RE.match(sig_name)
            if not m or sig_kind != "f":
                problems.append(Problem(sig_disp, None, None, "approval files are named <team>--<member>.sig"))
                continue
            if size > MAX_SIG_BYTES or data is None:  # (data is None only when too large)
                problems.append(Problem(sig_disp, None, None, f"approval file is larger than {MAX_SIG_BYTES} bytes"))
                continue
            files.append(ApprovalFile(inc.id, n, m.group(1), m.group(2), sig_disp, data))
        if files:
            out[(inc.id, n)] = tuple(files)
    return out, problems


def stray_approvals(root: Path, loaded: set[str], files: set[str]) -> list[Problem]:
    """Approval folders for incidents that do not exist (those of invalid files are skipped)."""
    base = root / "approvals"
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return []  # a file, or a link (reported by tree_problems)
    except OSError:
        return []
    problems = []
    shown = display_path(base)
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        # _teams/ and _site/ hold approvals of teams.yml and site-file changes (statuskit.gate.site_chain)
        if entry.name in ("_teams", "_site") or entry.name in loaded or f"{entry.name}.yml" in files:
            continue
        if _kind(entry).startswith("refused:"):
            continue  # reported by tree_problems
        if not entry.is_dir(follow_symlinks=False):
            problems.append(Problem(f"{shown}/{shown_name(entry.name)}", None, None, "unexpected file in approvals/ "
                                    "(only <incident-id>/<update-id>/<team>--<member>.sig belong here)"))
            continue
        problems.append(Problem(f"{shown}/{shown_name(entry.name)}", None, None,
                                "approvals for an unknown incident (no matching incidents/<id>.yml)"))
    return problems
