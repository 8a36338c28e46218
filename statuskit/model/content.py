"""Reading a whole content folder: the only reader of content/.

>>> content = load_content(Path("content"))      # raises ContentError listing every problem
>>> [i.id for i in content.incidents]
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import ContentError, Problem
from .load import read_yaml
from ..parallel import pmap
from .records import ApprovalFile, Content, FrozenDict, Incident
from .validate import ID_RE, validate_components, validate_incident, validate_teams

APPROVAL_NAME_RE = re.compile(r"^([a-z0-9][a-z0-9-]{0,79})--([a-z0-9][a-z0-9-]{0,79})\.sig$")
MAX_SIG_BYTES = 64 * 1024


def display_path(path: Path) -> str:
    """A path as users typed it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def load_content(root: Path) -> Content:
    """Read and validate everything under ``root``; raise ContentError with every problem."""
    content, problems = load_content_report(root)
    if content is None:
        raise ContentError(problems)
    return content


def load_content_report(root: Path) -> tuple[Content | None, list[Problem]]:
    """Like :func:`load_content` but returns the problems instead of raising."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(display_path(root), None, None, "content folder not found (use --content DIR)")]

    # components.yml
    comp_path = root / "components.yml"
    components: tuple = ()
    if comp_path.is_file():
        doc, p = read_yaml(comp_path, display_path(comp_path))
        problems += p
        if doc is not None:
            components, p = validate_components(doc)
            problems += p
    else:
        problems.append(Problem(display_path(comp_path), None, None, "file is missing: every site lists its components"))

    # teams.yml
    teams_path = root / "teams.yml"
    teams = None
    if teams_path.is_file():
        doc, p = read_yaml(teams_path, display_path(teams_path))
        problems += p
        if doc is not None:
            teams, p = validate_teams(doc)
            problems += p
    else:
        problems.append(Problem(display_path(teams_path), None, None, "file is missing: the approval teams are defined there"))

    # incidents/*.yml, sorted by id; each file with its approvals (in parallel for large sites)
    component_ids = frozenset(c.id for c in components)
    incidents = []
    approvals: dict[tuple[str, int], tuple[ApprovalFile, ...]] = {}
    inc_dir = root / "incidents"
    names = sorted(e.name for e in os.scandir(inc_dir) if not e.name.startswith(".")) if inc_dir.is_dir() else []
    shared = (display_path(root), str(root), component_ids)
    for inc, p, found in pmap(_load_incident, names, shared):
        problems += p
        if inc is not None:
            incidents.append(inc)
            approvals.update(found)

    problems += _stray_approvals(root, {i.id for i in incidents}, set(names))
    if any(pr.severity.value == "error" for pr in problems) or teams is None:
        return None, problems
    return Content(str(root), components, teams, tuple(incidents), FrozenDict(approvals)), problems


def _load_incident(shared: tuple, name: str) -> tuple[Incident | None, list[Problem], dict]:
    """One incidents/<name> file and its approval files (runs in a worker for large sites)."""
    root_disp, root_str, component_ids = shared
    path = Path(root_str, "incidents", name)
    disp = f"{root_disp}/incidents/{name}"
    stem, dot, suffix = name.rpartition(".")
    if os.path.isdir(path):
        return None, [Problem(disp, None, None, "unexpected folder in incidents/")], {}
    if suffix == "yaml":
        return None, [Problem(disp, None, None, "incident files end in .yml, not .yaml")], {}
    if not dot or suffix != "yml":
        return None, [Problem(disp, None, None, "unexpected file in incidents/ (only <incident-id>.yml files belong here)")], {}
    if not ID_RE.match(stem):
        return None, [Problem(disp, None, None, f"file name '{stem}' is not a valid incident id (^[a-z0-9][a-z0-9-]{{0,79}}$)")], {}
    doc, problems = read_yaml(path, disp)
    if doc is None:
        return None, problems, {}
    inc, p = validate_incident(doc, stem, component_ids)
    problems += p
    if inc is None:
        return None, problems, {}
    found, p = _incident_approvals(Path(root_str, "approvals", stem), f"{root_disp}/approvals/{stem}", inc)
    return inc, problems + p, found


def _incident_approvals(base: Path, disp: str, inc: Incident) -> tuple[dict, list[Problem]]:
    """content/approvals/<incident>/<update>/<team>--<member>.sig"""
    out: dict[tuple[str, int], tuple[ApprovalFile, ...]] = {}
    problems: list[Problem] = []
    try:
        entries = sorted(os.scandir(base), key=lambda e: (len(e.name), e.name))
    except (FileNotFoundError, NotADirectoryError):
        return out, problems
    n_updates = len(inc.updates)
    for upd in entries:
        if upd.name.startswith("."):
            continue
        upd_disp = f"{disp}/{upd.name}"
        if not upd.is_dir() or not upd.name.isdigit() or upd.name.startswith("0"):
            problems.append(Problem(upd_disp, None, None, "expected a folder named after an update id (1, 2, 3, ...)"))
            continue
        n = int(upd.name)
        if n > n_updates:
            problems.append(Problem(upd_disp, None, None,
                                    f"approvals for update {n}, but incident '{inc.id}' has {n_updates} update(s)"))
            continue
        files = []
        for sig in sorted(os.scandir(upd.path), key=lambda e: e.name):
            if sig.name.startswith("."):
                continue
            sig_disp = f"{upd_disp}/{sig.name}"
            m = APPROVAL_NAME_RE.match(sig.name)
            if not m or not sig.is_file():
                problems.append(Problem(sig_disp, None, None, "approval files are named <team>--<member>.sig"))
                continue
            if sig.stat().st_size > MAX_SIG_BYTES:
                problems.append(Problem(sig_disp, None, None, f"approval file is larger than {MAX_SIG_BYTES} bytes"))
                continue
            with open(sig.path, "rb") as fh:
                files.append(ApprovalFile(inc.id, n, m.group(1), m.group(2), sig_disp, fh.read()))
        if files:
            out[(inc.id, n)] = tuple(files)
    return out, problems


def _stray_approvals(root: Path, loaded: set[str], files: set[str]) -> list[Problem]:
    """Approval folders for incidents that do not exist (those of invalid files are skipped)."""
    base = root / "approvals"
    if not base.is_dir():
        return []
    problems = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        # _teams/ holds approvals of teams.yml changes (statuskit.teams_approval; never an incident id)
        if entry.name.startswith(".") or entry.name == "_teams" or entry.name in loaded or f"{entry.name}.yml" in files:
            continue
        if not entry.is_dir():
            problems.append(Problem(display_path(Path(entry.path)), None, None, "unexpected file in approvals/ "
                                    "(only <incident-id>/<update-id>/<team>--<member>.sig belong here)"))
            continue
        problems.append(Problem(display_path(Path(entry.path)), None, None,
                                "approvals for an unknown incident (no matching incidents/<id>.yml)"))
    return problems
