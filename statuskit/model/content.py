"""Reading a whole content folder: the only reader of content/.

>>> content = load_content(Path("content"))      # raises ContentError listing every problem
>>> [i.id for i in content.incidents]
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import MappingProxyType

from ..errors import ContentError, Problem
from .load import read_yaml
from .records import ApprovalFile, Content
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

    # incidents/*.yml, sorted by id
    component_ids = {c.id for c in components}
    incidents = []
    inc_dir = root / "incidents"
    if inc_dir.is_dir():
        for path in sorted(inc_dir.iterdir()):
            name = display_path(path)
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix == ".yaml":
                problems.append(Problem(name, None, None, "incident files end in .yml, not .yaml"))
                continue
            if path.suffix != ".yml":
                problems.append(Problem(name, None, None, "unexpected file in incidents/ (only <incident-id>.yml files belong here)"))
                continue
            if not ID_RE.match(path.stem):
                problems.append(Problem(name, None, None, f"file name '{path.stem}' is not a valid incident id (^[a-z0-9][a-z0-9-]{{0,79}}$)"))
                continue
            doc, p = read_yaml(path, name)
            problems += p
            if doc is None:
                continue
            inc, p = validate_incident(doc, path.stem, component_ids)
            problems += p
            if inc is not None:
                incidents.append(inc)

    approvals, p = _find_approvals(root, {i.id: len(i.updates) for i in incidents})
    problems += p
    if any(pr.severity.value == "error" for pr in problems) or teams is None:
        return None, problems
    return Content(str(root), components, teams, tuple(incidents), MappingProxyType(approvals)), problems


def _find_approvals(root: Path, update_counts: dict[str, int]) -> tuple[dict, list[Problem]]:
    """content/approvals/<incident>/<update>/<team>--<member>.sig"""
    out: dict[tuple[str, int], list[ApprovalFile]] = {}
    problems: list[Problem] = []
    base = root / "approvals"
    if not base.is_dir():
        return {}, problems
    for inc_dir in sorted(base.iterdir()):
        if inc_dir.name.startswith("."):
            continue
        if not inc_dir.is_dir() or inc_dir.name not in update_counts:
            if inc_dir.is_dir() and ID_RE.match(inc_dir.name):
                # approvals for an incident whose file has errors are reported with that file
                if (root / "incidents" / f"{inc_dir.name}.yml").exists():
                    continue
            problems.append(Problem(display_path(inc_dir), None, None,
                                    "approvals for an unknown incident (no matching incidents/<id>.yml)"))
            continue
        for upd_dir in sorted(inc_dir.iterdir(), key=lambda p: (len(p.name), p.name)):
            if upd_dir.name.startswith("."):
                continue
            if not upd_dir.is_dir() or not upd_dir.name.isdigit() or upd_dir.name.startswith("0"):
                problems.append(Problem(display_path(upd_dir), None, None, "expected a folder named after an update id (1, 2, 3, ...)"))
                continue
            n = int(upd_dir.name)
            if n > update_counts[inc_dir.name]:
                problems.append(Problem(display_path(upd_dir), None, None,
                                        f"approvals for update {n}, but incident '{inc_dir.name}' has {update_counts[inc_dir.name]} update(s)"))
                continue
            for sig in sorted(upd_dir.iterdir()):
                if sig.name.startswith("."):
                    continue
                m = APPROVAL_NAME_RE.match(sig.name)
                if not m or not sig.is_file():
                    problems.append(Problem(display_path(sig), None, None, "approval files are named <team>--<member>.sig"))
                    continue
                if sig.stat().st_size > MAX_SIG_BYTES:
                    problems.append(Problem(display_path(sig), None, None, f"approval file is larger than {MAX_SIG_BYTES} bytes"))
                    continue
                out.setdefault((inc_dir.name, n), []).append(
                    ApprovalFile(inc_dir.name, n, m.group(1), m.group(2), display_path(sig), sig.read_bytes())
                )
    return {k: tuple(v) for k, v in out.items()}, problems
