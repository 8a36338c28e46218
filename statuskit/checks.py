"""Check and status reports for the CLI and CI.

>>> result = run_check(Path("content"), at)
>>> result.ok, [str(p) for p in result.problems]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import Problem, Severity
from .gate.approvals import UpdateApprovals
from .gate.release import GateReport, Release, gate
from .model.content import load_content_report
from .model.records import Content
from .model.validate import format_time


@dataclass
class CheckResult:
    """Everything ``check`` found."""

    problems: list[Problem]
    content: Content | None = None
    release: Release | None = None
    report: GateReport | None = None
    extra: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def run_check(root: Path, at: datetime) -> CheckResult:
    """Validate the content, verify approvals, gate at ``at`` and run the lints."""
    # load + validate
    content, problems = load_content_report(root)
    if content is None:
        return CheckResult(sorted(problems, key=Problem.sort_key))
    # verify approvals and gate
    release, report = gate(content, at)
    problems += approval_problems(content, report.approvals)
    # lints
    from .lint import run_lints  # local import: lints are optional to the gate

    problems += run_lints(content)
    from .init import example_key_problems  # example keys left by `statuskit init`

    problems += example_key_problems(content.teams)
    problems.sort(key=Problem.sort_key)
    return CheckResult(problems, content, release, report)


def approval_problems(content: Content, approvals: dict[tuple[str, int], UpdateApprovals]) -> list[Problem]:
    """Approval files that do not count, and updates missing a team's approval."""
    out: list[Problem] = []
    for inc in content.incidents:
        for u in inc.updates:
            ap = approvals[(inc.id, u.id)]
            for r in ap.rejected:
                stale = "does not verify" in r.reason
                if stale:
                    msg = (f"approval by {r.member} ({r.team}) does not match update {u.id} as it is now: "
                           f"the update was edited after approval, or the file was copied from elsewhere; ask {r.member} to approve again")
                    out.append(Problem(r.file, None, None, msg, Severity.WARNING, "approval-stale"))
                else:
                    out.append(Problem(r.file, None, None, f"approval does not count: {r.reason}",
                                       Severity.ERROR, "approval-invalid"))
            if ap.missing and not _retracted_by_approved(inc, u.id, approvals):
                out.append(Problem(inc.file, u.line, f"updates[{u.id - 1}]",
                                   f"update {u.id} is not approved yet: missing {', '.join(ap.missing)}",
                                   Severity.WARNING, "approval-missing"))
    return out


def _retracted_by_approved(inc, uid: int, approvals) -> bool:
    return any(v.retracts == uid and approvals[(inc.id, v.id)].approved for v in inc.updates)


def status_rows(content: Content, release: Release, report: GateReport, incident: str | None = None) -> list[dict]:
    """Per incident and update: approvals present/missing, embargoes, and the verdict at T."""
    from .lint import lints_by_update  # local import: lints are optional to the gate

    held = {(h.incident, h.update): h for h in report.held}
    published = {(i.id, u.id): u for i in release.incidents for u in i.updates}
    lints = lints_by_update(content)
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
                by = published[key].retracted_by
                verdict = "published as retracted" + (f" (by update {by})" if by else " (the retraction is not public yet)")
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
                "rejected": [{"file": r.file, "reason": r.reason} for r in ap.rejected],
                "embargo_until": format_time(u.embargo_until) if u.embargo_until else None,
                "technical_embargo_until": format_time(u.technical_embargo_until) if u.technical_embargo_until else None,
                "published": key in published,
                "verdict": verdict,
                "lints": [{"rule": p.rule, "severity": p.severity.value, "line": p.line, "field": p.field,
                           "message": p.message} for p in sorted(lints.get(key, ()), key=Problem.sort_key)],
            })
        rows.append({"incident": inc.id, "kind": inc.kind.value, "file": inc.file, "updates": ups})
    return rows
