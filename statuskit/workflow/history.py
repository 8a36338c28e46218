"""Published history is immutable: ``statuskit check --base REF``.

Compares the content folder in the working tree (HEAD) with the same folder at
the git revision REF (read from git's objects: ``git ls-tree`` and ``git cat-file
--batch``, so no attributes, filters or textconv apply; symbolic links and submodules
at REF are refused; only the incidents that differ from the working tree, unless an
attribute rewrites content files on checkout), and fails when

1. an update published at REF -- approved and past its embargo at time T -- was
   edited, reordered or removed, unless a later update published at T retracts it (then
   only its retracted text: title, public, technical, report, may change or go);
2. an update was inserted before an existing one, or a published update's id was
   reused by a different update;
3. teams.yml changed without approval of the new registry by every required team
   of REF's registry (see :mod:`statuskit.gate.teams_chain`);
4. an update counts as approved only under teams.yml as changed here: approvals
   are verified against teams.yml at REF, so a change cannot add its own approver;
5. the site's own files (mkdocs.yml, docs/, the theme, components.yml, the
   workflows) changed without step ``_site/<n>`` signed under teams.yml at REF, or
   an approved ``_site/<n>`` or ``_teams/<n>`` step was removed or edited (see
   :mod:`statuskit.gate.site_chain`).

>>> problems = check_base(Path("content"), "origin/main", at)
>>> [str(p) for p in problems]
['content/incidents/x.yml:12: updates[2]: update 3 was published at origin/main and has been edited ...']
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..errors import GitError, Problem, Severity
from ..gate.approvals import Registry, UpdateApprovals, all_approvals, update_approvals
from ..gate.release import gate, withdrawn_updates
from ..gate.site_chain import TEAMS, WorkTree, read_steps, site_change_problems
from ..gate.teams_chain import registry_digest, teams_change_problems
from ..model.content import display_path, load_content_report, load_incident, load_site_files, read_regular, \
    shown_name
from ..model.records import Content, Incident, Update
from ..model.validate import TEXT_KEYS

__all__ = ["check_base", "BaseChanges", "base_changes", "BaseSnapshot", "base_snapshot", "approvals_under"]


# --- reading REF with git ------------------------------------------------------------

def _git(repo: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=not binary,
                              errors=None if binary else "surrogateescape")  # file names need not be UTF-8
    except FileNotFoundError:
        raise GitError("git was not found; install git to use --base") from None


def _repo_of(content_dir: Path) -> tuple[Path, str]:
    """(repository top level, content folder relative to it with '/' separators or '')."""
    proc = _git(content_dir, "rev-parse", "--show-toplevel", "--show-prefix")
    if proc.returncode != 0:
        raise GitError(f"{display_path(content_dir)} is not inside a git repository, so --base cannot compare "
                       f"it with an earlier revision: {proc.stderr.strip() or 'git rev-parse failed'}")
    top, prefix = (proc.stdout.splitlines() + ["", ""])[:2]
    return Path(top), prefix.rstrip("/")


def _resolve(repo: Path, ref: str) -> str:
    if not ref or ref.startswith("-"):
        raise GitError(f"invalid git revision {ref!r}")
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if proc.returncode != 0 or not proc.stdout.strip():
        raise GitError(f"git revision '{ref}' does not exist in {repo}",
                       hint="Fetch it first (e.g. `git fetch origin main`, or check out with enough history: "
                            "fetch-depth: 0), or name another revision with --base.")
    return proc.stdout.strip()


MAX_PATHS = 400
"""Above this many changed incidents, the whole content folder at REF is read instead."""


@dataclass(frozen=True)
class BaseChanges:
    """What differs between REF and the working tree, by git's comparison (see :func:`base_changes`)."""

    sha: str
    """The commit REF resolves to."""
    entries: frozenset[str]
    """Names of the entries of incidents/ (``<id>.yml``) whose file, or whose approvals/<id>/ folder,
    differs from REF: added, edited, removed, renamed (both names), or not tracked by git."""
    other: tuple[str, ...]
    """Every other changed path, relative to the repository's top level, sorted: teams.yml,
    components.yml, lint.yml, approvals/_teams/ and _site/, mkdocs.yml, docs/, the workflows ... (any
    one of them can change what ``check`` finds in an incident nobody touched)."""
    trusted: bool
    """False when a git attribute rewrites files of the content folder on checkout (see
    :data:`_REWRITING`): then git's "unchanged" is not "byte for byte the same"."""

    @property
    def ids(self) -> set[str]:
        """The incident ids among :attr:`entries` (the stems of ``.yml`` names)."""
        return {n[:-4] for n in self.entries if n.endswith(".yml")}


def base_changes(content_dir: Path, ref: str) -> BaseChanges:
    """What differs between the working tree and ``ref`` (raises GitError when there is no git or no such
    revision): one ``git diff`` of tracked files against REF's commit and one listing of files git does
    not track (ignored ones included inside the content folder: the loader reads them too)."""
    repo, prefix = _repo_of(Path(content_dir))
    return _changes(repo, _resolve(repo, ref), prefix)


def _git_together(repo: Path, *commands: tuple[str, ...]) -> list[subprocess.CompletedProcess]:
    """Several git commands at once (each mostly waits on the file system: on two cores the three of
    :func:`_changes` take about the time of the longest), as :func:`_git` runs one."""
    try:
        procs = [subprocess.Popen(["git", "-C", str(repo), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for args in commands]
    except FileNotFoundError:
        raise GitError("git was not found; install git to use --base") from None
    out = []
    for args, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate()
        out.append(subprocess.CompletedProcess(args, proc.returncode, stdout.decode("utf-8", "surrogateescape"),
                                               stderr.decode("utf-8", "replace")))
    return out


def _changes(repo: Path, sha: str, prefix: str) -> BaseChanges:
    spec = prefix or "."
    tracked, untracked, attributed = _git_together(
        repo,
        ("diff", "--name-only", "--no-renames", "-z", sha, "--"),
        # untracked files anywhere (an untracked folder as one entry), ignored ones included: those
        # outside the content folder are then asked about with `git check-ignore`
        ("ls-files", "--others", "--directory", "-z", "--", "."),
        # files of the content folder with any attribute that rewrites them on checkout (:data:`_REWRITING`)
        ("ls-files", "-z", "--", spec, f":(exclude,attr:{' '.join(f'!{a}' for a in _REWRITING)}){spec}"))
    for proc in (tracked, untracked):
        if proc.returncode != 0:
            raise GitError(f"git could not compare the working tree with {sha[:12]}: {proc.stderr.strip()}")
    inside = f"{prefix}/" if prefix else ""
    entries: set[str] = set()
    other: set[str] = set()
    outside_untracked: list[str] = []

    def classify(path: str, is_tracked: bool) -> None:
        if not path.startswith(inside):
            (other.add if is_tracked else outside_untracked.append)(path)
            return
        parts = path[len(inside):].split("/")
        if len(parts) >= 2 and parts[0] == "incidents" and parts[1]:
            entries.add(parts[1])  # incidents/<name>, or anything below a folder of that name
        elif len(parts) >= 3 and parts[0] == "approvals" and parts[1] not in ("_teams", "_site", ""):
            entries.add(f"{parts[1]}.yml")
        elif not is_tracked and path.endswith("/") and parts[0] in ("", "incidents", "approvals") and len(parts) <= 2:
            # a whole untracked content/, incidents/ or approvals/ (git lists it as one folder): its entries
            for name in _entry_names(repo / path):
                classify(f"{path}{name}", False)
        else:
            other.add(path)

    for path in filter(None, tracked.stdout.split("\0")):
        classify(path, True)
    for path in filter(None, untracked.stdout.split("\0")):
        classify(path, False)
    other.update(_not_ignored(repo, outside_untracked))
    # (a git without attribute pathspecs fails that listing: then every file is asked about)
    candidates = attributed.stdout.encode("utf-8", "surrogateescape") if attributed.returncode == 0 else None
    return BaseChanges(sha, frozenset(entries), tuple(sorted(other)),
                       not _rewritten_on_checkout(repo, prefix, candidates))


def _entry_names(folder: Path) -> list[str]:
    """The entries of ``folder``, sorted, a folder's name with a '/' at the end (as git lists them)."""
    try:
        return sorted(e.name + ("/" if e.is_dir(follow_symlinks=False) else "") for e in os.scandir(folder))
    except OSError:
        return []


def _not_ignored(repo: Path, paths: list[str]) -> list[str]:
    """Those of ``paths`` (outside the content folder, not tracked) that git does not ignore (a built site/,
    a virtual environment are not changes of the site)."""
    if not paths:
        return []
    try:
        proc = subprocess.run(["git", "-C", str(repo), "check-ignore", "-z", "--stdin"], capture_output=True,
                              input="".join(f"{p}\0" for p in paths).encode("utf-8", "surrogateescape"))
    except FileNotFoundError:
        raise GitError("git was not found; install git to use --base") from None
    if proc.returncode not in (0, 1):  # 1: none is ignored
        raise GitError(f"git check-ignore failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    ignored = set(proc.stdout.decode("utf-8", "surrogateescape").split("\0"))
    return [p for p in paths if p not in ignored]


def _changed_incidents(changes: BaseChanges) -> set[str] | None:
    """Ids of incidents whose file or approvals differ between REF and the working tree (None: too many,
    or git's comparison cannot be trusted).

    An incident that is byte for byte the same, with the same approval files, cannot break
    published history, so only the changed ones are read at REF: a pull request touching one
    incident of ten thousand is checked in about the time it takes to check that one.
    """
    ids = changes.ids
    if len(ids) > MAX_PATHS or not changes.trusted:
        return None
    return ids


_REWRITING = ("ident", "filter", "working-tree-encoding")
"""Attributes under which git's comparison of a working-tree file with a blob is not a comparison of
bytes: checkout rewrites the file (``$Id$`` expanded, an encoding, a filter), and ``git diff`` rewrites
it back before comparing. (Line-end conversion, ``text``/``eol``, changes nothing the loader reads.)"""


def _rewritten_on_checkout(repo: Path, prefix: str, candidates: bytes | None = None) -> bool:
    """Whether any file of the content folder has one of :data:`_REWRITING` set (one ``git check-attr``
    for all of them): then "unchanged" from ``git diff`` cannot be trusted, and every incident is read.
    ``candidates``: the NUL-separated files to ask about, when known to include every file for which any
    of the attributes is specified at all (usually none); default: every file of the folder."""
    if candidates is None:
        listed = _git(repo, "ls-files", "-z", "--", prefix or ".", binary=True)
        if listed.returncode != 0:
            raise GitError(f"git ls-files failed: {listed.stderr.decode('utf-8', 'replace').strip()}")
        candidates = listed.stdout
    if not candidates:
        return False
    try:
        proc = subprocess.Popen(["git", "-C", str(repo), "check-attr", "-z", "--stdin", *_REWRITING],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise GitError("git was not found; install git to use --base") from None

    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None  # (PIPE, above)

    def feed_paths() -> None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(candidates)
        proc.stdin.close()

    writer = threading.Thread(target=feed_paths, daemon=True)
    writer.start()
    # records are <path> NUL <attribute> NUL <value> NUL: one whose value is set, or is a value, rewrites.
    # Read as a stream (three records per file: 30 MB for a site of 10,000 incidents, never held at once).
    found, tail = False, b""
    while chunk := proc.stdout.read(1 << 16):
        window = tail + chunk
        found = found or _SET_ATTRIBUTE.search(window) is not None
        # a record not complete yet starts at one of the last two NULs: keep it for the next chunk
        cut = window.rfind(b"\0", 0, window.rfind(b"\0"))
        tail = window[cut:] if cut >= 0 else window
    writer.join()
    err = proc.stderr.read()
    if proc.wait() != 0:
        raise GitError(f"git check-attr failed: {err.decode('utf-8', 'replace').strip()}")
    return found


_SET_ATTRIBUTE = re.compile(rb"\0(?:" + rb"|".join(re.escape(a.encode()) for a in _REWRITING)
                            + rb")\0(?!(?:unspecified|unset)\0)[^\0]*\0")


_REGULAR = ("100644", "100755")
"""git modes of regular files; anything else under content/ at REF is refused."""
_MODES = {"120000": "a symbolic link", "160000": "a git submodule"}


def _listing(repo: Path, sha: str, prefix: str, incidents: set[str] | None) -> list[tuple[str, str, str, str]] | None:
    """(mode, type, object id, path below the content folder) of every file of the content folder at ``sha``
    (only ``incidents``, with components.yml and teams.yml, when given), read from git's objects with
    ``git ls-tree``; None when the folder did not exist there."""
    kind = _git(repo, "cat-file", "-t", f"{sha}:{prefix}")
    if kind.returncode != 0 or kind.stdout.strip() != "tree":
        return None
    at = (lambda rel: f"{prefix}/{rel}") if prefix else (lambda rel: rel)  # noqa: E731
    if incidents is None:
        wanted = [prefix or "."]
    else:
        wanted = [at("components.yml"), at("teams.yml")]
        for iid in sorted(incidents):
            wanted += [at(f"incidents/{iid}.yml"), at(f"approvals/{iid}")]
    # --literal-pathspecs: a name is a name, never a glob; --full-tree: paths from the top level
    listed = _git(repo, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", sha, "--", *wanted)
    if listed.returncode != 0:
        raise GitError(f"git ls-tree {sha[:12]} failed: {listed.stderr.strip()}")
    out = []
    for row in listed.stdout.split("\0"):
        if not row:
            continue
        meta, _, path = row.partition("\t")
        mode, typ, oid = meta.split(" ")
        rel = path[len(prefix) + 1:] if prefix else path
        out.append((mode, typ, oid, rel))
    return out


def _blobs(repo: Path, oids: list[str]) -> dict[str, bytes]:
    """The bytes of each blob, exactly as stored (one ``git cat-file --batch``: no attributes, filters
    or textconv apply)."""
    if not oids:
        return {}
    try:
        proc = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], capture_output=True,
                              input="".join(f"{o}\n" for o in oids).encode("ascii"))
    except FileNotFoundError:
        raise GitError("git was not found; install git to use --base") from None
    if proc.returncode != 0:
        raise GitError(f"git cat-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    out: dict[str, bytes] = {}
    data, pos = proc.stdout, 0
    for oid in oids:
        eol = data.index(b"\n", pos)
        header = data[pos:eol].decode("ascii").split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise GitError(f"git cat-file: object {oid} is not a blob ({' '.join(header)})")
        size = int(header[2])
        out[oid] = data[eol + 1:eol + 1 + size]
        pos = eol + 1 + size + 1  # the contents end with a line feed
    return out


def _export(repo: Path, sha: str, prefix: str, dest: Path, incidents: set[str] | None,
            where: str) -> tuple[Path | None, list[Problem]]:
    """Write the content folder as it is at ``sha`` under ``dest`` (only ``incidents``, with components.yml
    and teams.yml, when given): its regular files, from git's objects. Returns the folder (None when it did
    not exist there) and the entries refused (symbolic links, submodules: shown as ``where``/path).

    Hidden entries (a name starting with '.') are not written: statuskit never reads them, and a
    ``.gitattributes`` there is only a file like any other, as no attribute applies to ``cat-file``.
    """
    listing = _listing(repo, sha, prefix, incidents)
    if listing is None:
        return None, []
    problems: list[Problem] = []
    files: list[tuple[str, str]] = []
    for mode, typ, oid, rel in listing:
        if any(part.startswith(".") or not part for part in rel.split("/")):
            continue
        if mode not in _REGULAR or typ != "blob":
            what = _MODES.get(mode, f"not a regular file (git mode {mode}, {typ})")
            problems.append(Problem(f"{where}/{shown_name(rel)}", None, None,
                                    f"this is {what} at this revision; statuskit reads only regular files inside "
                                    f"content/, so the published history there cannot be read"))
            continue
        files.append((oid, rel))
    root = dest / prefix if prefix else dest
    root.mkdir(parents=True, exist_ok=True)
    if problems:
        return root, problems
    blobs = _blobs(repo, sorted({oid for oid, _ in files}))
    made: set[Path] = set()
    for oid, rel in files:
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "xb") as fh:
            fh.write(blobs[oid])
    return root, []


class GitTree:
    """The folder ``prefix`` at commit ``sha``, read from git objects (a :class:`statuskit.gate.site_chain.Tree`):
    one ``git ls-tree`` per folder asked for lists it (never the whole folder: a content folder holds
    110,000 files at 10,000 incidents, and the site chain asks for a few of them), one ``git cat-file
    --batch`` per :meth:`walk` reads the blobs it finds."""

    def __init__(self, repo: Path, sha: str, prefix: str) -> None:
        self.repo, self.sha, self.prefix = repo, sha, prefix
        self._listed: dict[str, list[tuple[str, str, str]]] = {}
        """folder or file asked for -> (path below prefix, kind, object id) of every entry in it, sorted."""
        self._blobs: dict[str, bytes] = {}

    def _list(self, rel: str) -> list[tuple[str, str, str]]:
        if rel not in self._listed:
            if any(part in ("", ".", "..") for part in rel.split("/")):
                return []  # no path of the tree is spelled so (and none may lead out of it)
            spec = f"{self.prefix}/{rel}" if self.prefix else rel
            proc = _git(self.repo, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", self.sha, "--", spec)
            if proc.returncode != 0:
                raise GitError(f"git ls-tree {self.sha[:12]} failed: {proc.stderr.strip()}")
            cut = len(self.prefix) + 1 if self.prefix else 0
            entries = []
            for row in filter(None, proc.stdout.split("\0")):
                meta, path = row.split("\t", 1)
                mode, typ, oid = meta.split()
                kind = "file" if mode in _REGULAR and typ == "blob" else "link" if mode == "120000" else "other"
                entries.append((path[cut:], kind, oid))
            self._listed[rel] = sorted(entries)
        return self._listed[rel]

    def walk(self, rel: str) -> list[tuple[str, str]]:
        rel = rel.rstrip("/")
        folder = rel + "/"
        found = [(path, kind, oid) for path, kind, oid in self._list(rel) if path == rel or path.startswith(folder)]
        wanted = {path: oid for path, kind, oid in found if kind == "file" and path not in self._blobs}
        blobs = _blobs(self.repo, sorted(set(wanted.values())))
        self._blobs.update((path, blobs[oid]) for path, oid in wanted.items())
        return [(path, kind) for path, kind, _ in found]

    def read(self, rel: str) -> bytes | None:
        if rel not in self._blobs:
            self.walk(rel)
        return self._blobs.get(rel)


@dataclass
class BaseSnapshot:
    """The content folder as it was at REF (its changed incidents), loaded and validated."""

    ref: str
    """The revision as the user named it."""
    sha: str
    """The commit it resolves to."""
    content: Content | None
    """The validated content at REF; None when it did not exist there or has errors."""
    problems: list[Problem]
    """Errors that kept the content at REF from loading (paths shown as REF:path)."""
    existed: bool
    """Whether the content folder existed at REF."""
    repo: Path
    """The repository's top level."""
    changed: set[str] | None = None
    """Ids of the incidents that differ from REF in the working tree; only these were read at REF
    (None: every incident was read)."""
    prefix: str = ""
    """The content folder relative to it ('' at the top)."""

    def is_changed(self, incident: str) -> bool:
        return self.changed is None or incident in self.changed


@contextmanager
def base_snapshot(content_dir: Path, ref: str, changes: BaseChanges | None = None) -> Iterator[BaseSnapshot]:
    """Load the content folder at ``ref``: components.yml, teams.yml and the incidents that differ from
    the working tree (raises GitError when there is no git or no such revision); ``changes``: those
    :func:`base_changes` found already for this folder and ``ref``."""
    content_dir = Path(content_dir)
    repo, prefix = _repo_of(content_dir)
    if changes is None:
        changes = _changes(repo, _resolve(repo, ref), prefix)
    sha = changes.sha
    changed = _changed_incidents(changes)
    where = f"{ref}:{prefix or '.'}"
    with tempfile.TemporaryDirectory(prefix="statuskit-base-") as tmp:
        root, refused = _export(repo, sha, prefix, Path(tmp), changed, where)
        if root is None:
            yield BaseSnapshot(ref, sha, None, [], existed=False, changed=changed, repo=repo, prefix=prefix)
            return
        if refused:
            yield BaseSnapshot(ref, sha, None, refused, existed=True, changed=changed, repo=repo, prefix=prefix)
            return
        content, problems = load_content_report(root)
        shown = display_path(root)
        problems = [Problem(p.file.replace(shown, where, 1), p.line, p.field, p.message, p.severity, p.rule)
                    for p in problems if p.severity is Severity.ERROR]
        yield BaseSnapshot(ref, sha, content, problems if content is None else [], existed=True, changed=changed,
                           repo=repo, prefix=prefix)


def approvals_under(registry: Registry, content: Content) -> dict[tuple[str, int], UpdateApprovals]:
    """Every update's approvals in ``content``, verified against ``registry`` (e.g. teams.yml at REF)."""
    return {(inc.id, u.id): update_approvals(registry, content, inc.id, u)
            for inc in content.incidents for u in inc.updates}


# --- the check -------------------------------------------------------------------------

def check_base(content_dir: Path, base: str, at: datetime, published: set[tuple[str, int]] | None = None,
               changes: BaseChanges | None = None) -> list[Problem]:
    """Problems with the working tree's content compared with ``base`` at time ``at``; ``published``, when
    given, receives (incident, update) of every update published at ``base`` among the changed incidents;
    ``changes``: what :func:`base_changes` found already."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        return []  # `check` already reports the missing folder
    with base_snapshot(content_dir, base, changes) as snap:
        if not snap.existed:
            return []  # a new content folder: nothing was published before it
        if snap.content is None:
            first = str(snap.problems[0]) if snap.problems else "it does not load"
            return [Problem(display_path(content_dir), None, None,
                            f"the content at {base} has errors, so its published history cannot be checked "
                            f"(fix {base} first): {first}", rule="history-base-invalid")]
        base_tree = GitTree(snap.repo, snap.sha, snap.prefix)
        problems = _compare(content_dir, snap.content, base, at, snap.changed, published, base_tree)
        # 5. the site's own files changed only with both teams' approval (statuskit.gate.site_chain)
        if snap.prefix:
            here = content_dir.resolve()
            problems += site_change_problems(
                GitTree(snap.repo, snap.sha, snap.prefix.rpartition("/")[0]), WorkTree(here.parent), here.name,
                base_tree, WorkTree(content_dir), Registry(snap.content.teams), display_path(here.parent),
                display_path(content_dir), base)
        return problems


def _compare(content_dir: Path, old: Content, ref: str, at: datetime, changed: set[str] | None = None,
             published_out: set[tuple[str, int]] | None = None, base_tree: GitTree | None = None) -> list[Problem]:
    problems: list[Problem] = []
    new = _head_content(content_dir, old, changed)
    root_disp = display_path(content_dir)
    old_registry = Registry(old.teams)

    # which updates are published at REF, at time T
    release, old_report = gate(old, at)
    published = {inc.id: len(inc.updates) for inc in release.incidents}
    if published_out is not None:
        published_out.update((iid, k) for iid, n in published.items() for k in range(1, n + 1))

    # the incidents at HEAD: from the loaded content, or file by file when it has errors
    if new is not None:
        head = {inc.id: inc for inc in new.incidents}
    else:
        head = _incidents_one_by_one(content_dir, old)
    cache: dict[tuple[str, int], bool] = {}

    def approved(iid: str, uid: int) -> bool:
        """Whether a HEAD update is approved under teams.yml at REF (verified only when asked)."""
        if new is None:
            return False
        if (iid, uid) not in cache:
            cache[(iid, uid)] = update_approvals(old_registry, new, iid, head[iid].update(uid)).approved
        return cache[(iid, uid)]

    def retraction_publishes(iid: str, r: int) -> bool:
        """Whether HEAD's retraction ``r`` publishes at T (content-format.md, rule 4): only then does the
        update it retracts leave the site, so only then may that update's text change or go."""
        def ready(u: Update) -> bool:
            return u.at <= at and (u.embargo_until is None or u.embargo_until <= at) and approved(iid, u.id)
        return head[iid].update(r).retracts in withdrawn_updates(head[iid].updates, ready)[1]

    for inc in old.incidents:
        n = published.get(inc.id, 0)
        path = f"{root_disp}/incidents/{inc.id}.yml"
        problems += _compare_incident(inc, head.get(inc.id), n, path, Path(content_dir, "incidents", f"{inc.id}.yml"),
                                      retraction_publishes, old_report.approvals, new, ref)

    if new is not None:
        problems += _teams_problems(content_dir, old, new, ref, base_tree)
    return problems


def _head_content(content_dir: Path, old: Content, changed: set[str] | None) -> Content | None:
    """The working tree's content, as far as the comparison needs it: only the ``changed`` incidents
    when teams.yml holds the same registry as at REF (the others are byte for byte as at REF, and
    ``check`` itself reads all of them), else everything (a registry change re-verifies every approval)."""
    if changed is not None:
        # teams.yml byte for byte as at REF holds the same registry (and costs no walk of the content folder)
        same = _same_bytes(Path(content_dir, "teams.yml"), Path(old.root, "teams.yml"))
        if not same:
            _, teams, _ = load_site_files(content_dir)
            same = teams is not None and registry_digest(teams) == registry_digest(old.teams)
        if same:
            return load_content_report(content_dir, only=changed)[0]
    return load_content_report(content_dir)[0]


def _same_bytes(a: Path, b: Path) -> bool:
    """Whether both are regular files (never followed links) with the same bytes."""
    try:
        return read_regular(a) == read_regular(b)
    except OSError:
        return False


def _incidents_one_by_one(content_dir: Path, old: Content) -> dict[str, Incident]:
    """HEAD incidents that validate on their own (used when the whole content does not load), read and
    validated by the loader's own per-incident step (:func:`statuskit.model.content.load_incident`)."""
    shared = (display_path(content_dir), str(content_dir), frozenset(c.id for c in old.components))
    out: dict[str, Incident] = {}
    for inc in old.incidents:
        if not Path(content_dir, "incidents", f"{inc.id}.yml").is_file():
            continue
        # None: present but unreadable or invalid (reported by check)
        out[inc.id] = load_incident(shared, f"{inc.id}.yml")[0]  # type: ignore[assignment]
    return out


def _canon(u: Update, *, drop: tuple[str, ...] = ()) -> dict:
    return {k: v for k, v in u.canonical.items() if k not in drop}


def _changed_keys(a: Update, b: Update) -> list[str]:
    ca, cb = dict(a.canonical), dict(b.canonical)
    return sorted(k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k))


def _line_of(u: Update, keys: list[str]) -> int | None:
    for k in keys:
        line = u.field_lines.get(k)
        if line:
            return line
    return u.line


def _compare_incident(old: Incident, new: Incident | None, n_published: int, disp: str, path: Path,
                      approved: Callable[[str, int], bool], old_approvals: Mapping, new_content: Content | None,
                      ref: str) -> list[Problem]:
    out: list[Problem] = []
    iid = old.id
    if new is None:
        if path.is_file():
            return out  # present but does not validate: `check` reports why
        if n_published:
            out.append(Problem(disp, None, None,
                               f"incident '{iid}' was published at {ref} (updates 1..{n_published}) and its file has "
                               f"been removed: published incidents stay; restore it (git checkout {ref} -- {disp}) and, "
                               f"to withdraw text, add a retracting update (statuskit update {iid} --retracts N)",
                               rule="history-removed"))
        return out
    without_id = lambda u: _canon(u, drop=("id",))  # noqa: E731
    new_by_content: dict[str, int] = {}
    for nu in new.updates:
        new_by_content.setdefault(repr(sorted(without_id(nu).items())), nu.id)
    old_by_content = {repr(sorted(without_id(u).items())): u.id for u in old.updates}
    # retractions at HEAD: update -> the retracting update (approved ones are looked up when needed)
    retraction = {v.retracts: v.id for v in new.updates if v.retracts is not None}
    fix_edit = f"add a correcting update instead (statuskit update {iid} --corrects {{k}})"

    for u in old.updates:
        k = u.id
        pub = k <= n_published
        h = new.updates[k - 1] if k <= len(new.updates) else None
        if h is not None and dict(h.canonical) == dict(u.canonical):
            if pub and new_content is not None and not (k in retraction and approved(iid, retraction[k])):
                out += _approvals_kept(iid, k, old_approvals, new_content, ref)
            continue
        moved = new_by_content.get(repr(sorted(without_id(u).items())))
        # pushed down by updates that REF did not have: an insertion; by updates REF had: a reordering
        inserted = moved is not None and moved > k and all(
            repr(sorted(without_id(x).items())) not in old_by_content for x in new.updates[k - 1:moved - 1])
        if moved is not None and moved > k and inserted:
            # 2. inserted before an existing update (published or not: updates are append-only)
            hm = new.updates[moved - 1]
            what = "published" if pub else "already in the file"
            out.append(Problem(disp, hm.line, f"updates[{moved - 1}]",
                               f"update {k} was {what} at {ref} and is now update {moved}: {moved - k} update(s) were "
                               f"inserted before it; updates are append-only: add new updates at the end "
                               f"(statuskit update {iid})", rule="history-inserted"))
            continue
        if not pub:
            continue  # drafts may be edited, replaced or removed
        if moved is not None:
            hm = new.updates[moved - 1]
            out.append(Problem(disp, hm.line, f"updates[{moved - 1}]",
                               f"update {k} was published at {ref} and is now update {moved}: an earlier update was "
                               f"removed or the updates were reordered; restore the order of {ref} "
                               f"(git checkout {ref} -- {disp}) and append new updates at the end",
                               rule="history-reordered"))
            continue
        if h is None:
            last = new.updates[-1] if new.updates else None
            out.append(Problem(disp, last.line if last else None, None,
                               f"update {k} was published at {ref} and has been removed: published updates stay; "
                               f"restore it (git checkout {ref} -- {disp}) and, to withdraw its text, add a retracting "
                               f"update (statuskit update {iid} --retracts {k})", rule="history-removed"))
            continue
        changed = _changed_keys(u, h)
        line = _line_of(h, changed)
        field = f"updates[{k - 1}]" + (f".{changed[0]}" if len(changed) == 1 and h.field_lines.get(changed[0]) else "")
        if k in retraction and approved(iid, retraction[k]):
            # 1. a retracted update: only its text may change or go
            if _canon(u, drop=TEXT_KEYS) == _canon(h, drop=TEXT_KEYS):
                continue
            other = [c for c in changed if c not in TEXT_KEYS]
            out.append(Problem(disp, _line_of(h, other), f"updates[{k - 1}]",
                               f"update {k} was published at {ref} and is retracted by update {retraction[k]}, "
                               f"so only its {'/'.join(TEXT_KEYS)} may be changed or deleted, but {', '.join(other)} "
                               f"changed too; restore those fields as they were at {ref}", rule="history-edited"))
            continue
        swapped = old_by_content.get(repr(sorted(without_id(h).items())))
        if swapped is not None and swapped != k:
            out.append(Problem(disp, h.line, f"updates[{k - 1}]",
                               f"update {k} was published at {ref} and its place now holds update {swapped} of {ref}: "
                               f"the updates were reordered; restore the order of {ref} (git checkout {ref} -- {disp})",
                               rule="history-reordered"))
        elif "at" in changed and ({"public", "technical", "status"} & set(changed) or h.public is None):
            out.append(Problem(disp, h.line, f"updates[{k - 1}]",
                               f"update {k} was published at {ref} and has been replaced by a different update that "
                               f"reuses id {k}: published updates stay; restore update {k} "
                               f"(git checkout {ref} -- {disp}) and add the new one at the end as update "
                               f"{len(old.updates) + 1} (statuskit update {iid})", rule="history-id-reused"))
        elif k in retraction:
            r = retraction[k]
            out.append(Problem(disp, line, field,
                               f"update {k} was published at {ref} and has been edited ({', '.join(changed)} changed); "
                               f"update {r} retracts it but is not approved by every team yet (under teams.yml at "
                               f"{ref}) or not public yet (its time or embargo is later): its text may be deleted "
                               f"once update {r} is approved and public", rule="history-edited"))
        else:
            out.append(Problem(disp, line, field,
                               f"update {k} was published at {ref} and has been edited ({', '.join(changed)} changed): "
                               + fix_edit.format(k=k) + "; to withdraw text that must not stay public, retract it "
                               f"(--retracts {k})", rule="history-edited"))
    return out


def _approvals_kept(iid: str, k: int, old_approvals: Mapping, new: Content, ref: str) -> list[Problem]:
    """The approval files that published an update at REF are part of the record: they stay."""
    old_ap = old_approvals.get((iid, k))
    if old_ap is None:
        return []
    have = {(f.team, f.member): f.data for f in new.approvals.get((iid, k), ())}
    out = []
    for team, member in old_ap.valid:
        if (team, member) not in have:
            path = f"{display_path(Path(new.root))}/approvals/{iid}/{k}/{team}--{member}.sig"
            out.append(Problem(path, None, None,
                               f"this approval published update {k} at {ref} and has been removed: approvals of "
                               f"published updates stay (git checkout {ref} -- {path})", rule="history-approval-removed"))
    return out


def _teams_problems(content_dir: Path, old: Content, new: Content, ref: str, base_tree: GitTree | None) -> list[Problem]:
    teams_path = Path(content_dir, "teams.yml")
    disp = f"{display_path(content_dir)}/teams.yml"
    line = _first_changed_line(content_dir, old, teams_path)
    # 3. a registry change is step <base_seq + 1> of the _teams chain, signed under teams.yml at REF
    base_steps = read_steps(base_tree, "approvals", TEAMS)[0] if base_tree is not None else {}
    head_steps, layout = read_steps(WorkTree(content_dir), "approvals", TEAMS)
    root_disp = display_path(content_dir)
    out = [Problem(f"{root_disp}/{p.file}", p.line, p.field, p.message, p.severity, p.rule) for p in layout]
    out += teams_change_problems(old.teams, new.teams, base_steps, head_steps, content_dir, disp, line, ref)
    if registry_digest(old.teams) == registry_digest(new.teams):
        return out
    # 4. approvals count under teams.yml at REF: a change cannot approve itself
    under_new = all_approvals(new)
    under_old = approvals_under(Registry(old.teams), new)
    for inc in new.incidents:
        for u in inc.updates:
            a, b = under_new[(inc.id, u.id)], under_old[(inc.id, u.id)]
            if a.approved and not b.approved:
                out.append(Problem(inc.file, u.line, f"updates[{u.id - 1}]",
                                   f"update {u.id} is approved only under teams.yml as changed here (under teams.yml at "
                                   f"{ref} it lacks: {', '.join(b.missing)}): approvals are verified against teams.yml "
                                   f"at {ref}, so merge the teams.yml change on its own first",
                                   rule="teams-self-approval"))
            elif b.approved and not a.approved:
                # removing a member or key voids their approvals, past ones included
                out.append(Problem(inc.file, u.line, f"updates[{u.id - 1}]",
                                   f"update {u.id} is approved under teams.yml at {ref} but not under teams.yml as "
                                   f"changed here (it would lack: {', '.join(a.missing)}), so it would stop "
                                   f"publishing: have a current member of {', '.join(a.missing)} approve it first",
                                   rule="teams-change-unpublishes"))
    return out


def _first_changed_line(content_dir: Path, old: Content, teams_path: Path) -> int | None:
    """The first line of teams.yml that differs from REF (for the annotation), or None."""
    try:
        new_lines = teams_path.read_text(encoding="utf-8").splitlines()
        old_lines = Path(old.root, "teams.yml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for tag, _i1, _i2, j1, _j2 in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes():
        if tag != "equal":
            return min(j1 + 1, max(len(new_lines), 1))
    return None
