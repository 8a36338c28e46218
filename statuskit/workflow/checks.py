"""Check and status reports for the CLI and CI.

>>> result = run_check(Path("content"))
>>> result.ok, [str(p) for p in result.problems]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Collection

from ..infra.cache import cache_dir
from .check_cache import CheckCache
from ..errors import Problem, Severity, StatuskitError
from ..gate.approvals import Registry, UpdateApprovals, Why, verify_update
from ..gate.release import GateReport, Release, withdrawn_updates
from ..ssh.verified import default_cache
from ..model.content import (display_path, incident_names, load_incident, load_site_files, missing_folder, RawIncident,
                             read_incident, shown_name, stray_approvals)
from ..model.load import comment_cut_values
from ..model.records import Content, Incident, Teams
from ..model.validate import format_time
from ..infra.parallel import pmap
from ..lint.overdue import Promise, incident_promises, overdue, overdue_rows, promise_rows


@dataclass
class CheckResult:
    """Everything ``check`` found."""

    problems: list[Problem]
    incidents: int = 0
    """Incident files that loaded."""
    updates: int = 0
    """Their updates."""
    not_checked: int = 0
    """Entries of incidents/ left out (``only``: unchanged since ``check --base REF``)."""
    hidden: list[Problem] = field(default_factory=list)
    """Warnings of the incidents outside ``shown``: counted, not listed (they do not fail the check)."""
    hidden_incidents: int = 0
    """The entries of incidents/ checked but outside ``shown``."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def run_check(root: Path, at: datetime | None = None, only: Collection[str] | None = None,
              shown: Collection[str] | None = None) -> CheckResult:
    """Validate the content, verify approvals and run the lints (at ``at``, also ``cadence-overdue``).

    Each incident is checked on its own from start to end -- read, validate, verify
    its approval files, lint -- in worker processes for large sites, and only its
    problems come back (an incident's approval state depends neither on other
    incidents nor on T). When a file has errors, the other files' findings are still reported, and
    the counts are those of the incidents that loaded.

    ``only``: check just these entries of incidents/ (``<id>.yml``; the site files, the tree and the
    approval folders of unknown incidents are always checked), counting the others in ``not_checked``.
    ``shown``: list the findings of just these entries; the others' errors are listed too, their
    warnings only counted (``hidden``). ``check --base REF`` passes the incidents that differ from REF.
    """
    from .init import example_key_problems  # example keys left by `statuskit init`
    from ..lint import load_config  # local import: lints are optional to the gate

    root = Path(root)
    if not root.is_dir():
        return CheckResult([missing_folder(root)])
    components, teams, problems = load_site_files(root)
    config, p = load_config(root)
    problems += p
    registry = None
    if teams is not None:
        registry = Registry(teams, default_cache())
        problems += example_key_problems(teams) + single_member_teams(teams)
    all_names = incident_names(root)
    if only is not None:  # (anything but a regular file in incidents/ is checked: git cannot hold a named pipe)
        odd = _not_regular(root / "incidents")
        names = [n for n in all_names if n in only or n in odd]
    else:
        names = all_names
    cache = CheckCache(root, display_path(root), cache_dir())
    shared = (display_path(root), str(root), frozenset(c.id for c in components), registry, config, cache)
    loaded: set[str] = set()
    n_updates = 0
    findings: list[Problem] = []
    hidden: list[Problem] = []
    n_hidden = 0
    keys: list[str] = []
    for name, (key, entry, fresh) in zip(names, pmap(_check_incident, names, shared), strict=True):
        keys.append(key)
        if fresh:
            cache.put(key, entry)
        iid, n, load_problems, found, promises = entry
        if at is not None and promises is not None and config is not None:  # the one lint that depends on T
            try:
                late = overdue_rows(promises[0], promises[1], at, config)
            except (TypeError, ValueError):  # a damaged cache entry: judge nothing rather than crash
                late = None
            if late is not None:
                found = [*found, late[1]]
        if shown is not None and name not in shown:
            n_hidden += 1
            hidden += [p for p in load_problems + found if p.severity is not Severity.ERROR]
            load_problems = [p for p in load_problems if p.severity is Severity.ERROR]
            found = [p for p in found if p.severity is Severity.ERROR]
        problems += load_problems
        findings += found
        if iid is not None:
            loaded.add(iid)
            n_updates += n
    cache.save(keys if only is None else keys + list(cache.old))  # a partial run keeps the others' entries
    problems += stray_approvals(root, loaded, set(all_names))
    # every file's approval and lint findings, even when another file has errors: each incident is
    # judged on its own (its findings are empty when teams.yml or lint.yml does not load)
    problems += findings
    problems.sort(key=Problem.sort_key)
    return CheckResult(problems, len(loaded), n_updates, len(all_names) - len(names), hidden, n_hidden)


def _not_regular(folder: Path) -> set[str]:
    """Names of the entries of ``folder`` that are not regular files (from the listing: no system call each)."""
    try:
        return {e.name for e in os.scandir(folder) if not e.is_file(follow_symlinks=False)}
    except OSError:
        return set()


def single_member_teams(teams: Teams) -> list[Problem]:
    """A warning (``team-single-member``) for each required team with one member: with that one key
    lost or its holder away, nothing can be published."""
    try:
        lines = Path(teams.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    start = next((i for i, text in enumerate(lines) if text.startswith("teams:")), len(lines))
    out = []
    for team in teams.required_teams:
        members = teams.teams.get(team, ())
        if len(members) != 1:
            continue
        line = next((i + 1 for i in range(start, len(lines)) if lines[i].lstrip().startswith(f"{team}:")), None)
        out.append(Problem(teams.file, line, f"teams.{team}",
                           f"required team '{team}' has one member ({members[0]}): if that key is lost or "
                           f"{members[0]} is away, no update can be published; add a second member to '{team}' "
                           f"(and approve the change with statuskit approve-teams)", Severity.WARNING,
                           "team-single-member"))
    return out


def _check_incident(shared: tuple, name: str) -> tuple[str, tuple, bool]:
    """One incidents/<name> file and its approvals (runs in a worker for large sites): the cache key,
    (incident id, update count, problems reading it, problems with its approvals and lints), and
    whether that was computed now rather than found in the cache."""
    cache: CheckCache = shared[-1]
    raw = read_incident(shared[1], name)
    key = cache.key(raw)
    entry = cache.get(key)
    if entry is not None:
        return key, entry, False
    return key, _check_raw(shared, name, raw), True


def _check_raw(shared: tuple, name: str, raw: RawIncident
               ) -> tuple[str | None, int, list[Problem], list[Problem], tuple[str, list[list]] | None]:
    root_disp, root_str, component_ids, registry, config, _ = shared
    inc, problems, files = load_incident((root_disp, root_str, component_ids), name, raw)
    if raw.data is not None and name.endswith(".yml"):  # text a '#' cut off, as warnings (the build is not held)
        problems += comment_cut_values(raw.data, f"{root_disp}/incidents/{shown_name(name)}")
    if inc is None:
        return None, 0, problems, [], None
    found: list[Problem] = []
    promises = None
    if registry is not None and not any(p.severity is Severity.ERROR for p in problems):
        approvals = {u.id: verify_update(registry, inc.id, u, files.get((inc.id, u.id), ())) for u in inc.updates}
        found += incident_approval_problems(inc, approvals)
        if config is not None:
            from ..lint.rules import lint_incident

            found += [p for _, p in lint_incident(inc, config)]
            # what cadence-overdue needs to judge the incident at any T (run_check does, at its T)
            promises = (inc.file, promise_rows(incident_promises(inc, {uid: ap.approved for uid, ap in approvals.items()})))
    return inc.id, len(inc.updates), problems, found, promises


def incident_approval_problems(inc: Incident, approvals: dict[int, UpdateApprovals]) -> list[Problem]:
    """Approval files of ``inc`` that do not count, and its updates missing a team's approval."""
    out: list[Problem] = []
    # the updates a retraction withdraws once everything approved is due (the gate's rule 4; check
    # is about approvals, not time)
    withdrawn = withdrawn_updates(inc.updates, lambda v: approvals[v.id].approved)[1]
    for u in inc.updates:
        ap = approvals[u.id]
        retractor = next((v.id for v in inc.updates if v.retracts == u.id), None) if u.id in withdrawn else None
        for r in ap.rejected:
            stale = r.why is Why.OTHER_TEXT
            if stale:
                head = f"approval by {r.member} ({r.team}) does not match update {u.id} as it is now"
                if retractor is not None:
                    msg = f"{head}: update {retractor} retracts it, so its text may go{_RETRACTED_STALE}"
                else:
                    # `check` alone cannot know whether the update is public: the advice covers both cases
                    msg = (f"{head}: the update was edited after approval, or the file was copied from elsewhere; "
                           f"if update {u.id} was never published, ask {r.member} to approve again; if it is "
                           f"already public, do not re-approve: restore it as it was published and "
                           + _correct(inc.id, u.id))
                out.append(Problem(r.file, None, None, msg, Severity.WARNING, "approval-stale"))
            else:
                out.append(Problem(r.file, None, None, f"approval does not count: {r.reason}",
                                   Severity.ERROR, "approval-invalid"))
        if ap.missing and u.id not in withdrawn:
            out.append(Problem(inc.file, u.line, f"updates[{u.id - 1}]",
                               f"update {u.id} is not approved yet: missing {', '.join(ap.missing)}",
                               Severity.WARNING, "approval-missing"))
    return out


_RETRACTED_STALE = " and this approval no longer matters"


def _correct(iid: str, uid: int) -> str:
    return f"add a correcting update (statuskit update {iid} --corrects {uid})"


def published_stale(problems: list[Problem], published: set[tuple[str, int]], where: str) -> list[Problem]:
    """``problems`` with each stale approval of an update that ``where`` published (e.g. "at origin/main")
    made an error: its words cannot change, so the advice is a correcting update, never a new approval."""
    out = []
    for p in problems:
        parts = Path(p.file).parts
        key = (parts[-3], int(parts[-2])) if len(parts) >= 3 and parts[-2].isdigit() else None
        if p.rule == "approval-stale" and key in published and not p.message.endswith(_RETRACTED_STALE):
            head = p.message.split(":", 1)[0]
            p = Problem(p.file, p.line, p.field,
                        f"{head}, and update {key[1]} was published {where}: its words cannot change; restore it as "
                        f"it was published and {_correct(*key)}", Severity.ERROR, p.rule)
        out.append(p)
    return out


def status_rows(content: Content, release: Release, report: GateReport, incident: str | None = None) -> list[dict]:
    """Per incident and update: approvals present/missing, embargoes, and the verdict at T."""
    from ..lint import lints_by_update, load_config  # local import: lints are optional to the gate
    from .approve import not_counted

    held = {(h.incident, h.update): h for h in report.held}
    published = {(i.id, u.id): u for i in release.incidents for u in i.updates}
    config = load_config(Path(content.root))[0]
    lints = lints_by_update(content, config) if config is not None else {}
    for inc in content.incidents if config is not None else ():  # cadence-overdue: the lint that depends on T
        late = overdue(inc.file, promises_at(inc, report), release.at, config)  # type: ignore[arg-type]
        if late is not None:
            lints.setdefault((inc.id, late[0]), []).append(late[1])
    rows = []
    for inc in content.incidents:
        if incident and inc.id != incident:
            continue
        ups = []
        for u in inc.updates:
            ap = report.approvals[(inc.id, u.id)]
            h = held.get((inc.id, u.id))
            key = (inc.id, u.id)
            if key in published and published[key].retracted:
                verdict = f"published as retracted (by update {published[key].retracted_by})"
            elif key in published:
                verdict = "published" + (" (technical text embargoed)" if h and h.reason == "technical-embargo" else "")
            else:
                verdict = f"held: {h.detail}" if h else "held"
            ups.append({
                "id": u.id,
                "at": format_time(u.at),
                "status": u.status,
                "digest": ap.digest,
                "approved_by": [f"{t}:{m}" for t, m in ap.valid],
                "missing": list(ap.missing),
                "rejected": not_counted(content, inc, u, ap),
                "embargo_until": format_time(u.embargo_until) if u.embargo_until else None,
                "technical_embargo_until": format_time(u.technical_embargo_until) if u.technical_embargo_until else None,
                "published": key in published,
                "verdict": verdict,
                "lints": [{"rule": p.rule, "severity": p.severity.value, "line": p.line, "field": p.field,
                           "message": p.message} for p in sorted(lints.get(key, ()), key=Problem.sort_key)],
            })
        rows.append({"incident": inc.id, "kind": inc.kind.value, "file": inc.file, "updates": ups})
    return rows


def promises_at(inc: Incident, report: GateReport) -> tuple[Promise, ...]:
    """``inc``'s updates as lint.overdue reads them, with the approvals the gate verified."""
    return incident_promises(inc, {u.id: report.approvals[(inc.id, u.id)].approved for u in inc.updates})


def overdue_lines(content: Content, release: Release, report: GateReport) -> list[str]:
    """For ``next-release``: one line per incident whose promised next update has passed at T."""
    from ..lint.overdue import late_by, overdue_since

    out = []
    for inc in content.incidents:
        found = overdue_since(promises_at(inc, report), release.at)
        if found is not None:
            i, promised = found
            out.append(f"overdue: {inc.id}: update {inc.updates[i].id} promised the next update by "
                       f"{format_time(promised)} ({late_by(release.at - promised)} late at {format_time(release.at)})")
    return out


def language_warnings(content_dir: Path) -> list[Problem]:
    """``check`` in a project (mkdocs.yml next to the content folder): a warning (``language-catalogue``)
    for each reason statuskit's words would not all be in ``theme.language`` (no catalogue, or
    messages missing from it), as the build warns -- and stops under ``strict: true``."""
    from ..gate.site_chain import CONFIG_FILE
    from ..publish.build import settings_from_mkdocs_yml
    from ..render.i18n import catalogue_warnings

    config = Path(content_dir).resolve().parent / CONFIG_FILE
    if not Path(content_dir).is_dir() or not config.is_file():
        return []
    try:
        settings = settings_from_mkdocs_yml(config)
    except StatuskitError as exc:  # the build reports it; check says why it could not look
        return [Problem(display_path(config), None, None, exc.message, Severity.WARNING, rule="language-catalogue")]
    code = settings.language or "en"
    return [Problem(display_path(config), settings.language_line, None if w.startswith("theme.language") else
                    "theme.language", w, Severity.WARNING, rule="language-catalogue") for w in catalogue_warnings(code)]
