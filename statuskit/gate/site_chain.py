"""Numbered approval chains: the site's own files (``_site``) and teams.yml (``_teams``).

Both "registries" -- the files that shape the public site, and the list of who may
approve -- change through the same mechanism: a numbered step
``content/approvals/<chain>/<seq>/`` holding a ``manifest.json`` that statuskit
writes (canonical JSON) and one ``<team>--<member>.sig`` per approver::

    {"kind": "site", "sequence": 3, "replaces": "sha256:<state at step 2>",
     "digest": "sha256:<new state>", "files": {"mkdocs.yml": "<sha256 hex>", ...}}

Each signature is ``ssh-keygen -Y sign -n <namespace>`` over a statement the
verifier rebuilds::

    statuskit-site v1
    manifest: sha256:<hex of the manifest.json bytes>
    team: comms
    member: priya

The manifest names its place in the chain (``sequence``) and the state it replaces,
so an old signature cannot be replayed: putting an earlier state back is a new step
``<base_seq + 1>`` that both teams sign again (see reference/approvals.md).

>>> files, problems = collect_site_files(WorkTree(Path(".")), "content")
>>> state_digest(file_hashes(files))
'sha256:...'
>>> check_step(SITE, base_steps, head_steps, ...)            # statuskit check --base
>>> require_site_approval(root, files, content_dir, teams)   # statuskit build
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Protocol

import yaml

from ..errors import Problem, SignatureError, StatuskitError
from ..model.content import APPROVAL_NAME_RE, MAX_SIG_BYTES, display_path
from ..model.records import Teams
from .approvals import Registry, assign_teams
from .digest import canonical_json

__all__ = [
    "Chain", "SITE", "TEAMS", "Tree", "WorkTree", "Step", "StepApprovals", "collect_site_files", "file_hashes",
    "state_digest", "read_steps", "manifest_bytes", "step_statement", "verify_step", "check_step",
    "site_status", "require_site_approval", "CONFIG_FILE", "SiteStatus",
    "site_warnings", "site_change_problems", "describe_site_status", "content_rel", "changed_paths",
    "parse_manifest",
]

CONFIG_FILE = "mkdocs.yml"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_SEQ_RE = re.compile(r"^[1-9][0-9]{0,8}$")
_OLD_TEAMS_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Chain:
    """One numbered approval chain."""

    kind: str
    """``manifest.json``'s ``kind``."""
    folder: str
    """Folder under content/approvals/ (``_``: never an incident id)."""
    header: str
    """First line of the signed statement."""
    body: str
    """The manifest key that describes the new state (``files`` or ``registry``)."""
    what: str
    """What the chain approves, for messages."""
    command: str
    """The command that approves a step."""


SITE = Chain("site", "_site", "statuskit-site v1", "files", "the site files", "statuskit approve-site")
TEAMS = Chain("teams", "_teams", "statuskit-teams v2", "registry", "teams.yml", "statuskit approve-teams")


# --- reading a tree: the working tree, or git objects at a revision (statuskit.workflow.history) -----------

class Tree(Protocol):
    """Files below a project folder, by relative POSIX path."""

    def walk(self, rel: str) -> list[tuple[str, str]]:
        """(path, kind) of ``rel`` (a file) or of every file below it (a folder); kind is "file",
        "link" or "other"; [] when it does not exist."""

    def read(self, rel: str) -> bytes | None:
        """The bytes of the regular file ``rel``, or None."""


class WorkTree:
    """A folder on disk (symlinks are reported, never followed)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def walk(self, rel: str) -> list[tuple[str, str]]:
        top = self.root / rel
        try:
            st = os.lstat(top)
        except (FileNotFoundError, NotADirectoryError):
            return []
        if not stat.S_ISDIR(st.st_mode):
            return [(rel, _kind(st.st_mode))]
        out = []
        for dirpath, dirnames, filenames in os.walk(top):
            base = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(dirnames + filenames):
                path = posixpath.join(base, name)
                mode = os.lstat(os.path.join(dirpath, name)).st_mode
                if stat.S_ISDIR(mode):
                    continue
                out.append((path, _kind(mode)))
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
            out += [(posixpath.join(base, d), "link") for d in sorted(dirnames)
                    if os.path.islink(os.path.join(dirpath, d))]
        return sorted(set(out))

    def read(self, rel: str) -> bytes | None:
        path = self.root / rel
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None
            return path.read_bytes()
        except OSError:
            return None


def _kind(mode: int) -> str:
    return "file" if stat.S_ISREG(mode) else "link" if stat.S_ISLNK(mode) else "other"


# --- the site state -------------------------------------------------------------------------------

class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for its plain settings: Python and !ENV tags (e.g. Material's emoji config) read as
    None. The one reader of mkdocs.yml outside MkDocs (site files here, settings in statuskit.publish.build)."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _folder_setting(value: object, default: str | None) -> str | None:
    if value is None:
        return default
    return value if isinstance(value, str) else ""


def _inside(rel: str) -> str | None:
    """``rel`` as a normalised relative POSIX path inside the project, or None."""
    if not rel or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return None
    norm = posixpath.normpath(rel.replace("\\", "/"))
    return None if norm == ".." or norm.startswith("../") else norm


def site_file_roots(config_text: bytes | None, content_rel: str, config_name: str = CONFIG_FILE,
                    folders: tuple[str, str | None] | None = None) -> tuple[list[str], list[str]]:
    """(paths whose files are site files, problems): the config file, docs_dir, theme.custom_dir,
    <content>/components.yml and the publishing machinery under .github/. ``folders`` (docs_dir and
    custom_dir relative to the project, as MkDocs resolved them) win over what the config file says."""
    problems: list[str] = []
    docs_dir, custom_dir = folders if folders is not None else (None, None)
    if config_text is not None and folders is None:
        try:
            data = yaml.load(config_text.decode("utf-8"), Loader=TolerantLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{config_name}: not valid YAML: {exc}")
            data = {}
        if not isinstance(data, dict):
            data = {}
        theme = found if isinstance(found := data.get("theme"), dict) else {}
        if docs_dir is None:
            docs_dir = _folder_setting(data.get("docs_dir"), "docs")
        if custom_dir is None:
            custom_dir = _folder_setting(theme.get("custom_dir"), None)
    roots = [config_name]
    for key, value in (("docs_dir", docs_dir or "docs"), ("theme.custom_dir", custom_dir)):
        if value is None:
            continue
        inside = _inside(value)
        if inside is None or inside == ".":
            problems.append(f"{config_name}: {key}: {value!r} must be a folder inside the project (the folder of "
                            f"{config_name}), so that its files are approved with the site")
            continue
        roots.append(inside)
    roots += [posixpath.join(content_rel, "components.yml"), ".github/statuskit-requirements.txt",
              ".github/workflows"]
    return roots, problems


def collect_site_files(tree: Tree, content_rel: str, config_name: str = CONFIG_FILE, *,
                       folders: tuple[str, str | None] | None = None) -> tuple[dict[str, bytes], list[str]]:
    """({relative path: bytes} of every site file in ``tree``, problems). Symlinks and special
    files among them are problems (they could point anywhere)."""
    roots, problems = site_file_roots(tree.read(config_name), content_rel, config_name, folders)
    files: dict[str, bytes] = {}
    for root in roots:
        for path, kind in tree.walk(root):
            if kind != "file":
                problems.append(f"{path}: a {'symlink' if kind == 'link' else 'special file'} among the site files; "
                                "site files must be regular files (replace it with the file itself)")
                continue
            data = tree.read(path)
            if data is not None:
                files[path] = data
    return files, problems


def file_hashes(files: Mapping[str, bytes]) -> dict[str, str]:
    """{path: sha256 hex of the bytes}."""
    return {p: hashlib.sha256(b).hexdigest() for p, b in sorted(files.items())}


def state_digest(value: object) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``value`` (the site's {path: sha256 hex})."""
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()


def changed_paths(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """'+ path', '- path', '~ path' for every file added, removed or changed from ``old`` to ``new``."""
    out = []
    for p in sorted(set(old) | set(new)):
        if p not in old:
            out.append(f"+ {p}")
        elif p not in new:
            out.append(f"- {p}")
        elif old[p] != new[p]:
            out.append(f"~ {p}")
    return out


# --- steps: content/approvals/<chain>/<seq>/ ------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One numbered folder of a chain, read but not judged."""

    seq: int
    files: Mapping[str, bytes]
    """Entry name -> bytes (manifest.json and the .sig files)."""
    bad: tuple[str, ...] = ()
    """Entries that are not regular files."""


def read_steps(tree: Tree, approvals_rel: str, chain: Chain) -> tuple[dict[int, Step], list[Problem]]:
    """Every ``<approvals_rel>/<chain.folder>/<seq>/`` in ``tree``, and problems with the folder's layout."""
    base = posixpath.join(approvals_rel, chain.folder)
    grouped: dict[str, dict[str, bytes]] = {}
    bad: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for path, kind in tree.walk(base):
        rel = path[len(base) + 1:]
        parts = rel.split("/")
        if any(p.startswith(".") for p in parts):
            continue
        if len(parts) != 2:
            problems.append(Problem(path, None, None, f"unexpected entry in {base}/ (only <n>/manifest.json and "
                                    "<n>/<team>--<member>.sig belong here)", rule=f"{chain.kind}-approval-invalid"))
            continue
        if kind != "file":
            bad.setdefault(parts[0], []).append(parts[1])
            continue
        data = tree.read(path)
        grouped.setdefault(parts[0], {})[parts[1]] = data if data is not None else b""
    steps: dict[int, Step] = {}
    for name in sorted(set(grouped) | set(bad)):
        disp = posixpath.join(base, name)
        if chain is TEAMS and _OLD_TEAMS_RE.match(name):
            problems.append(Problem(disp, None, None,
                                    "this is the old layout of teams.yml approvals (_teams/<digest>/, statement "
                                    "statuskit-teams v1), whose signatures could be replayed to restore an earlier "
                                    "teams.yml; approvals are now numbered steps (_teams/<n>/manifest.json and "
                                    "signatures over it): delete this folder and have both teams run "
                                    "`statuskit approve-teams --base <target branch>`", rule="teams-approval-old-layout"))
            continue
        if not _SEQ_RE.match(name):
            problems.append(Problem(disp, None, None, f"{base}/ holds numbered folders (1, 2, 3, ...), not {name!r}",
                                    rule=f"{chain.kind}-approval-invalid"))
            continue
        steps[int(name)] = Step(int(name), grouped.get(name, {}), tuple(bad.get(name, ())))
    return steps, problems


def manifest_bytes(chain: Chain, seq: int, replaces: str, digest_: str, body: object) -> bytes:
    """The exact ``manifest.json`` statuskit writes (canonical JSON, final newline)."""
    return canonical_json({"kind": chain.kind, "sequence": seq, "replaces": replaces, "digest": digest_,
                           chain.body: body}) + b"\n"


def step_statement(chain: Chain, manifest: bytes, team: str, member: str) -> bytes:
    """The exact bytes a member signs to approve a step; rebuilt by the verifier."""
    h = hashlib.sha256(manifest).hexdigest()
    return f"{chain.header}\nmanifest: sha256:{h}\nteam: {team}\nmember: {member}\n".encode("utf-8")


def parse_manifest(chain: Chain, step: Step) -> tuple[dict[str, Any] | None, str | None]:
    """(manifest, None) or (None, why it is not one statuskit wrote)."""
    data = step.files.get(MANIFEST)
    if data is None:
        return None, f"{MANIFEST} is missing"
    if len(data) > MAX_MANIFEST_BYTES:
        return None, f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes"
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"{MANIFEST} is not JSON: {exc}"
    keys = {"kind", "sequence", "replaces", "digest", chain.body}
    if not isinstance(doc, dict) or set(doc) != keys:
        return None, f"{MANIFEST} must have exactly the keys {', '.join(sorted(keys))}"
    if doc["kind"] != chain.kind:
        return None, f"{MANIFEST}: kind is {doc['kind']!r}, expected {chain.kind!r}"
    if doc["sequence"] != step.seq or not isinstance(doc["sequence"], int) or isinstance(doc["sequence"], bool):
        return None, f"{MANIFEST}: sequence is {doc['sequence']!r}, but the folder is {step.seq}"
    if not all(isinstance(doc[k], str) and re.fullmatch(r"sha256:[0-9a-f]{64}", doc[k]) for k in ("replaces", "digest")):
        return None, f"{MANIFEST}: replaces and digest must be sha256:<64 hex>"
    if state_digest(doc[chain.body]) != doc["digest"]:
        return None, f"{MANIFEST}: digest is not the digest of its {chain.body}"
    if manifest_bytes(chain, step.seq, doc["replaces"], doc["digest"], doc[chain.body]) != data:
        return None, f"{MANIFEST} is not in the canonical form statuskit writes (sorted keys, no spaces, final newline)"
    return doc, None


@dataclass(frozen=True)
class StepApprovals:
    """Who approved one step, as verified against a registry."""

    seq: int
    manifest: dict[str, Any] | None
    """The manifest; None when it is not valid (``rejected`` says why)."""
    valid: tuple[tuple[str, str], ...]
    rejected: tuple[tuple[str, str], ...]
    """(file, reason) for files that do not count."""
    missing: tuple[str, ...]
    """Required teams without an approval by a distinct person."""

    @property
    def approved(self) -> bool:
        return self.manifest is not None and not self.missing


def verify_step(chain: Chain, registry: Registry, step: Step, disp: str, where: str) -> StepApprovals:
    """Verify one step's manifest and signatures against ``registry`` (the four rules of
    reference/approvals.md, through :class:`Registry`)."""
    required = registry.teams.required_teams
    rejected = [(f"{disp}/{name}", "not a regular file") for name in step.bad]
    manifest, why = parse_manifest(chain, step)
    if manifest is None:
        return StepApprovals(step.seq, None, (), tuple(rejected + [(f"{disp}/{MANIFEST}", why or "not a manifest")]),
                             required)
    valid: list[tuple[str, str]] = []
    for name, data in sorted(step.files.items()):
        if name == MANIFEST:
            continue
        m = APPROVAL_NAME_RE.match(name)
        if not m:
            rejected.append((f"{disp}/{name}", "approval files are named <team>--<member>.sig"))
            continue
        if len(data) > MAX_SIG_BYTES:
            rejected.append((f"{disp}/{name}", f"approval file is larger than {MAX_SIG_BYTES} bytes"))
            continue
        team, member = m.group(1), m.group(2)
        try:
            registry.check_signed(team, member, data, step_statement(chain, step.files[MANIFEST], team, member), where)
        except SignatureError as exc:
            rejected.append((f"{disp}/{name}", exc.message))
        else:
            valid.append((team, member))
    _, missing = assign_teams(required, valid)
    return StepApprovals(step.seq, manifest, tuple(sorted(valid)), tuple(rejected), missing)


def check_step(chain: Chain, base: Mapping[int, Step], head: Mapping[int, Step], base_digest: str,
               head_digest: str, registry: Registry, approvals_disp: str, ref: str, file: str,
               line: int | None, changes: list[str]) -> list[Problem]:
    """``check --base``: the chain at HEAD extends the chain at REF by at most one step, which
    names the transition from REF's state to HEAD's and is signed under REF's teams.yml."""
    out: list[Problem] = []
    folder = f"{approvals_disp}/{chain.folder}"
    # 1. steps present at REF stay as they were (files may be added, never removed or edited)
    for seq, old in sorted(base.items()):
        new = head.get(seq)
        for name, data in sorted(old.files.items()):
            if new is None or new.files.get(name) != data:
                what = "removed" if new is None or name not in new.files else "edited"
                out.append(Problem(f"{folder}/{seq}/{name}", None, None,
                                   f"this file of an approved step of {chain.what} was {what} since {ref}; approved "
                                   f"steps stay as they are (git checkout {ref} -- {folder}/{seq})",
                                   rule=f"{chain.kind}-approval-removed"))
    base_seq = max(base, default=0)
    want = base_seq + 1
    added = sorted(set(head) - set(base))
    for seq in added:
        if seq != want:
            out.append(Problem(f"{folder}/{seq}", None, None,
                               f"step {seq} of {chain.what} does not follow {ref}, whose last step is "
                               f"{base_seq or 'none'}: the next step is {want} (one step per pull request)",
                               rule=f"{chain.kind}-approval-invalid"))
    how = (f"each required team runs `{chain.command} --team TEAM --member MEMBER --base {ref}` "
           f"and commits {folder}/{want}/")
    step = head.get(want) if want in added else None
    if step is None:
        if base_digest != head_digest:
            shown = ", ".join(changes[:20]) + (f" and {len(changes) - 20} more" if len(changes) > 20 else "")
            out.append(Problem(file, line, None,
                               f"{chain.what} changed since {ref} ({shown}) without the approval of both teams: "
                               + how, rule=f"{chain.kind}-unapproved"))
        return out
    # 2. the new step names exactly this transition: sequence, replaces, digest
    disp = f"{folder}/{want}"
    ap = verify_step(chain, registry, step, disp, f"teams.yml at {ref}")
    out += [Problem(f, None, None, f"approval of {chain.what} does not count: {why}",
                    rule=f"{chain.kind}-approval-invalid") for f, why in ap.rejected]
    if ap.manifest is None:
        return out
    if ap.manifest["replaces"] != base_digest:
        out.append(Problem(f"{disp}/{MANIFEST}", None, None,
                           f"replaces {ap.manifest['replaces']}, but {chain.what} at {ref} is {base_digest}: this step "
                           f"was made for another starting point; rewrite it: " + how,
                           rule=f"{chain.kind}-approval-invalid"))
    elif ap.manifest["digest"] != head_digest:
        out.append(Problem(f"{disp}/{MANIFEST}", None, None,
                           f"approves {ap.manifest['digest']}, but {chain.what} here is {head_digest} "
                           f"(changed after it was approved: {', '.join(changes) or 'see the diff'}); approve again: "
                           + how, rule=f"{chain.kind}-unapproved"))
    # 3. signed by every required team of teams.yml at REF
    elif ap.missing:
        what = f"{chain.what} changed since {ref} and" if base_digest != head_digest else "the new step"
        out.append(Problem(file, line, None,
                           f"{what} {disp} lacks approval by: {', '.join(ap.missing)} "
                           f"(under teams.yml at {ref}): " + how, rule=f"{chain.kind}-unapproved"))
    return out


# --- the site state in the working tree: status, check, build ------------------------------------

@dataclass(frozen=True)
class SiteStatus:
    """The working tree's site files compared with the highest approved step."""

    files: Mapping[str, str]
    """{path: sha256 hex} of the site files now."""
    digest: str
    problems: tuple[str, ...]
    """Symlinks, special files, folders outside the project."""
    step: StepApprovals | None
    """The highest ``_site/<n>`` step, verified under the current teams.yml (None: there is none)."""
    changes: tuple[str, ...] = field(default=())
    """'+/-/~ path' from the highest step's files to the files now."""

    @property
    def approved(self) -> bool:
        return (not self.problems and self.step is not None and self.step.approved
                and self.step.manifest is not None and self.step.manifest["digest"] == self.digest)


def content_rel(root: Path, content_dir: Path) -> str:
    """The content folder relative to the project (the folder of mkdocs.yml), refusing one outside it."""
    rel = os.path.relpath(Path(content_dir).resolve(), Path(root).resolve())
    inside = _inside(Path(rel).as_posix())
    if inside is None or inside == ".":
        raise StatuskitError(f"{display_path(Path(content_dir))}: the content folder must be inside the project "
                             f"folder {display_path(Path(root))} (the folder of {CONFIG_FILE}), so that its "
                             "components.yml is approved with the site")
    return inside


def site_status(root: Path, content_dir: Path, teams: Teams, *, config_name: str = CONFIG_FILE,
                folders: tuple[str, str | None] | None = None) -> SiteStatus:
    """The site state of the project at ``root`` and its approval under ``teams``."""
    rel = content_rel(root, content_dir)
    files, problems = collect_site_files(WorkTree(root), rel, config_name, folders=folders)
    hashes = file_hashes(files)
    steps, _ = read_steps(WorkTree(Path(content_dir)), "approvals", SITE)
    if not steps:
        return SiteStatus(hashes, state_digest(hashes), tuple(problems), None, tuple(changed_paths({}, hashes)))
    top = steps[max(steps)]
    disp = f"{display_path(Path(content_dir) / 'approvals' / SITE.folder)}/{top.seq}"
    ap = verify_step(SITE, Registry(teams), top, disp, "teams.yml")
    approved_files = ap.manifest[SITE.body] if ap.manifest is not None else {}
    return SiteStatus(hashes, state_digest(hashes), tuple(problems), ap,
                      tuple(changed_paths(approved_files if isinstance(approved_files, dict) else {}, hashes)))


def describe_site_status(st: SiteStatus, content_dir: Path) -> str:
    """One paragraph for `status`, `check` and the build's refusal."""
    folder = display_path(Path(content_dir) / "approvals" / SITE.folder)
    if st.problems:
        return "; ".join(st.problems)
    if st.step is None:
        return (f"the site files have never been approved ({folder}/ does not exist): a site cannot publish until "
                f"both teams approved its files (mkdocs.yml, docs/, the theme, components.yml, the workflows)")
    if st.approved:
        return f"the site files are approved ({folder}/{st.step.seq}, {st.digest})"
    if st.step.manifest is None or st.step.missing:
        why = (", ".join(f"{f}: {r}" for f, r in st.step.rejected) or
               f"missing approval by: {', '.join(st.step.missing)}")
        return f"the last step {folder}/{st.step.seq} is not approved under the current teams.yml ({why})"
    return (f"the site files differ from the approved {folder}/{st.step.seq}: {', '.join(st.changes)}")


def require_site_approval(st: SiteStatus, content_dir: Path) -> None:
    """Raise unless the site files now are the approved ones (a publishing build)."""
    if st.approved:
        return
    raise StatuskitError(
        f"refusing to publish: {describe_site_status(st, content_dir)}",
        hint="Approve the site files: one member of each required team runs `statuskit approve-site --team TEAM "
             "--member MEMBER` (in a pull request: add --base <target branch>) and commits "
             f"{display_path(Path(content_dir) / 'approvals' / SITE.folder)}/; or build a preview that is not "
             "published: `statuskit build --preview --site-dir DIR`.")


def site_change_problems(base_project: Tree, head_project: Tree, content_rel_: str, base_content: Tree,
                         head_content: Tree, registry: Registry, project_disp: str, content_disp: str,
                         ref: str) -> list[Problem]:
    """``check --base``: site files that changed since REF need step ``_site/<base_seq + 1>`` naming
    exactly this transition, signed under teams.yml at REF; approved steps stay as they are."""
    base_files, _ = collect_site_files(base_project, content_rel_)
    head_files, problems = collect_site_files(head_project, content_rel_)
    at = (lambda rel: rel) if project_disp in ("", ".") else (lambda rel: f"{project_disp}/{rel}")  # noqa: E731
    out = [Problem(at(p.split(": ", 1)[0]), None, None, p.split(": ", 1)[1], rule="site-file-invalid")
           for p in problems]
    old, new = file_hashes(base_files), file_hashes(head_files)
    base_steps, _ = read_steps(base_content, "approvals", SITE)
    head_steps, layout = read_steps(head_content, "approvals", SITE)
    out += [Problem(f"{content_disp}/{p.file}", p.line, p.field, p.message, p.severity, p.rule) for p in layout]
    changes = changed_paths(old, new)
    first = at(changes[0][2:] if changes else CONFIG_FILE)
    out += check_step(SITE, base_steps, head_steps, state_digest(old), state_digest(new), registry,
                      f"{content_disp}/approvals", ref, first, None, changes)
    return out


def site_warnings(content_dir: Path) -> list[Problem]:
    """``check`` without --base: a warning (``site-unapproved``) when the project's site files are
    not the approved ones, so people notice before merging. Only for a project: a content folder
    with mkdocs.yml next to it."""
    from ..errors import Severity
    from ..model.content import load_site_files

    content_dir = Path(content_dir)
    root = content_dir.resolve().parent
    if not content_dir.is_dir() or not (root / CONFIG_FILE).is_file():
        return []
    teams = load_site_files(content_dir)[1]
    if teams is None:
        return []  # check reports why
    try:
        st = site_status(root, content_dir, teams)
    except StatuskitError as exc:
        return [Problem(display_path(content_dir), None, None, exc.message, rule="site-unapproved")]
    if st.approved:
        return []
    return [Problem(display_path(root / CONFIG_FILE), None, None,
                    f"{describe_site_status(st, content_dir)}; the publishing build will refuse it until one member of "
                    f"each required team runs `statuskit approve-site --team TEAM --member MEMBER --base <target "
                    f"branch>`", Severity.WARNING, rule="site-unapproved")]
