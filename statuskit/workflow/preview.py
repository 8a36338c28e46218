"""A pull-request preview: what a change adds, who approved it, and when it will publish.

``statuskit preview --base REF`` prints Markdown for a PR comment or a CI job
summary. For each new or changed update (compared with REF): its public and
technical text in two sections, the approvals present and missing (verified
against teams.yml at REF, as ``check --base`` does), and what a build will do
with it: publish now, at its embargo or scheduled time, or wait for approval.

>>> print(preview_markdown(Path("content"), "origin/main", at))
## statuskit preview
...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..errors import ContentError
from ..gate.approvals import Registry, UpdateApprovals
from ..gate.release import GateReport, Release, gate, team_name
from ..gate.teams_chain import describe_registry, registry_digest, verify_teams_approvals
from ..model.content import load_content_report
from ..model.records import Content, Incident, Update
from ..model.validate import format_time
from .history import approvals_under, base_snapshot

__all__ = ["Change", "changed_updates", "publish_when", "preview_markdown"]


@dataclass(frozen=True)
class Change:
    """An update that is new or changed compared with REF."""

    incident: Incident
    update: Update
    state: str
    """"new" or "changed"."""


def changed_updates(old: Content | None, new: Content, changed: Callable[[str], bool] = lambda iid: True
                    ) -> list[Change]:
    """Updates of ``new`` that REF did not have, or had with other content (incident id, then update id).

    ``changed(incident id)`` says whether the incident may differ from REF at all (``old`` then holds it
    if REF had it); the others are skipped.
    """
    before = {inc.id: inc for inc in old.incidents} if old is not None else {}
    out = []
    for inc in new.incidents:
        if not changed(inc.id):
            continue
        prev = before.get(inc.id)
        for u in inc.updates:
            if prev is None or u.id > len(prev.updates):
                out.append(Change(inc, u, "new"))
            elif dict(prev.update(u.id).canonical) != dict(u.canonical):
                out.append(Change(inc, u, "changed"))
    return out


def publish_when(inc: Incident, u: Update, release: Release, report: GateReport) -> str:
    """When a build will publish ``u``, in words."""
    ap = report.approvals[(inc.id, u.id)]
    held = {(h.incident, h.update): h for h in report.held}
    h = held.get((inc.id, u.id))
    try:
        pub = release.incident(inc.id).updates
    except KeyError:
        pub = ()
    if any(p.id == u.id for p in pub):
        p = pub[u.id - 1]
        if p.retracted:
            return "at the next build, shown only as withdrawn"
        if p.technical_pending and u.technical_embargo_until is not None:
            return (f"public text at the next build; technical text and report at "
                    f"{format_time(u.technical_embargo_until)} (technical embargo)")
        return "at the next build (now)"
    missing = f"waiting for approval from: {', '.join(team_name(t) for t in ap.missing)}" if not ap.approved else ""
    if h is None:
        return missing or "not published"
    if h.reason == "unapproved":
        return missing or "waiting for approval"
    if h.reason == "scheduled":
        return f"at {format_time(u.at)} (its time), by the scheduled rebuild"
    if h.reason == "embargoed" and u.embargo_until is not None:
        return f"at {format_time(u.embargo_until)} (embargo), by the scheduled rebuild"
    # after-held: an earlier update blocks it
    blocker = next((x for x in report.held if x.incident == inc.id and x.reason != "after-held"
                    and x.reason != "technical-embargo"), None)
    after = f"after update {blocker.update} publishes" if blocker else "after the updates before it publish"
    return f"{after}; {missing}" if missing else after


# Everything taken from the content is shown inert: a title, a name or a reason as escaped inline text,
# public and technical text as its Markdown source in a code block. So no content can render an image,
# raw HTML, a table row, a heading (a forged "Approved by") or a mention in the pull-request comment.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&$@])")


def _inline(text: str) -> str:
    """``text`` as literal inline Markdown: on one line, every character GitHub could interpret escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def _block(text: str | None, info: str = "text") -> str:
    """``text`` as a fenced code block: a fence longer than any run of backticks in it, so no line closes it."""
    if not text or not text.strip():
        return "_(none)_"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def _code(text: str) -> str:
    """A path or revision as a code span (escaped text when it has a backtick or a line break)."""
    return f"`{text}`" if "`" not in text and text.isprintable() else _inline(text)


def _cell(text: str) -> str:
    return " ".join(text.splitlines())


def _title_at(inc: Incident, k: int) -> str | None:
    title = None
    for u in inc.updates[:k]:
        if u.title:
            title = u.title
    return title


def _approved_by(ap: UpdateApprovals) -> str:
    return ", ".join(_inline(f"{team_name(t)} ({m})") for t, m in ap.valid) or "nobody yet"


def _update_section(c: Change, release: Release, report: GateReport) -> list[str]:
    inc, u = c.incident, c.update
    ap = report.approvals[(inc.id, u.id)]
    title = _title_at(inc, u.id) or inc.id
    out = [f"### {_inline(title)} — update {u.id} ({c.state})", ""]
    line = f" line {u.line}" if u.line else ""
    out.append(f"`{inc.id}` · {inc.kind.value} · status **{u.status}** · at {format_time(u.at)} · {_code(inc.file)}{line}")
    out.append("")
    rows = [("Publishes", publish_when(inc, u, release, report)),
            ("Approved by", _approved_by(ap)),
            ("Missing", ", ".join(team_name(t) for t in ap.missing) or "none")]
    if u.components:
        rows.append(("Components", ", ".join(f"{cid}: {st.value}" for cid, st in u.components.items())))
    if u.embargo_until:
        rows.append(("Embargo", f"until {format_time(u.embargo_until)}"))
    if u.technical_embargo_until:
        rows.append(("Technical embargo", f"until {format_time(u.technical_embargo_until)}"))
    if u.corrects:
        rows.append(("Corrects", f"update {u.corrects}"))
    if u.retracts:
        rows.append(("Retracts", f"update {u.retracts} (once this update publishes, nothing of it stays but a "
                                 "\"withdrawn\" marker)"))
    for r in ap.rejected:
        rows.append(("Not counted", f"{_code(r.file)}: {_inline(r.reason)}"))
    rows.append(("Digest", f"`{ap.digest}`"))
    out += ["| | |", "| --- | --- |"] + [f"| {k} | {_cell(v)} |" for k, v in rows]
    out += ["", "#### Public (customers)", "", _block(u.public), "", "#### Technical (industry peers)", "",
            _block(u.technical), ""]
    if u.report is not None:
        rep = u.report
        parts = [name.replace("_", " ") for name in ("summary", "root_cause", "detection", "remediation")
                 if getattr(rep, name)]
        counts = [f"{len(getattr(rep, n))} {n.replace('_', ' ')}" for n in ("timeline", "indicators",
                                                                            "attack_techniques", "cves", "cvss",
                                                                            "references")
                  if getattr(rep, n)]
        out += [f"Technical report revision: {', '.join(parts + counts) or 'empty'}.", ""]
    return out


def preview_markdown(content_dir: Path, base: str, at: datetime) -> str:
    """The preview of the working tree's content compared with ``base``, at time ``at``."""
    with base_snapshot(content_dir, base) as snap:
        # only the incidents that differ from REF can have new or changed updates (each is gated on its own)
        new, problems = load_content_report(content_dir, only=snap.changed)
        if new is None:
            raise ContentError(problems)
        old = snap.content
        head = ["## statuskit preview", "",
                f"Compared with {_code(base)} (`{snap.sha[:12]}`), as of {format_time(at)}."]
        if old is not None:
            registry = Registry(old.teams)
            head[-1] += f" Approvals are verified against teams.yml at {_code(base)}."
        else:
            registry = Registry(new.teams)
            why = "has errors" if snap.existed else "did not exist"
            head[-1] += f" The content folder {why} at {_code(base)}, so approvals are verified against this change's teams.yml."
        approvals = approvals_under(registry, new)
        release, report = gate(new, at, approvals)
        out = head + [""]
        if old is not None and registry_digest(old.teams) != registry_digest(new.teams):
            tap = verify_teams_approvals(old.teams, new.teams, Path(content_dir))
            valid, missing = (tap.valid, tap.missing) if tap is not None else ((), old.teams.required_teams)
            out += ["### teams.yml changed", "",
                    f"New registry `{registry_digest(new.teams)}`. Approved by: "
                    + (", ".join(_inline(f"{team_name(t)} ({m})") for t, m in valid) or "nobody yet")
                    + f"; missing: {_inline(', '.join(team_name(t) for t in missing)) or 'none'}.", "",
                    _block(describe_registry(new.teams, old.teams), ""), ""]
        changes = changed_updates(old, new, snap.is_changed)
        if not changes:
            out.append("No new or changed updates.")
        for c in changes:
            out += _update_section(c, release, report)
    return "\n".join(out).rstrip("\n") + "\n"
