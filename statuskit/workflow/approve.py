"""Approving an update: show it, sign the statement with ssh-keygen, check the result.

Signing goes through ``ssh-keygen -Y sign`` so that agents and hardware keys
work as usual; the new signature is verified in-process against teams.yml
before it is written, so a wrong key or team is caught at once.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import SignatureError, StatuskitError
from ..gate.approvals import Registry
from ..gate.digest import digest, statement
from ..model.content import display_path, load_content
from ..model.records import ApprovalFile, Content, Incident, Update
from ..model.validate import format_time
from ..ssh.sign import ssh_keygen_sign


@dataclass(frozen=True)
class Summary:
    """What an approver is shown."""

    update: int
    digest: str
    text: str


def _find(content: Content, incident: str, update_id: int | None) -> tuple[Incident, Update]:
    try:
        inc = content.incident(incident)
    except KeyError:
        raise StatuskitError(f"no incident '{incident}' in the content") from None
    n = update_id if update_id is not None else len(inc.updates)
    if not 1 <= n <= len(inc.updates):
        raise StatuskitError(f"incident '{incident}' has updates 1..{len(inc.updates)}, not {n}")
    return inc, inc.updates[n - 1]


def describe(root: Path, incident: str, update_id: int | None) -> Summary:
    """The update as an approver should read it (refuses content that does not validate)."""
    content = load_content(root, only={incident})
    inc, u = _find(content, incident, update_id)
    d = digest(u)
    out = [f"Incident {inc.id} ({inc.kind.value}), update {u.id} of {len(inc.updates)}",
           f"  at:      {format_time(u.at)}", f"  status:  {u.status}"]
    if u.title:
        out.append(f"  title:   {u.title}")
    if u.impact:
        out.append(f"  impact:  {u.impact}")
    for cid, st in u.components.items():
        out.append(f"  component {cid}: {st.value}")
    for key in ("next_update_at", "embargo_until", "technical_embargo_until"):
        v = getattr(u, key)
        if v:
            out.append(f"  {key}: {format_time(v)}")
    if u.scheduled:  # the approver signs the window too: show it
        out.append(f"  scheduled: {format_time(u.scheduled.start)} to {format_time(u.scheduled.end)}")
    for name in ("detected_at", "contained_at"):
        if getattr(u.facts, name):
            out.append(f"  {name}: {format_time(getattr(u.facts, name))}")
    if u.corrects:
        out.append(f"  corrects update {u.corrects}")
    if u.retracts:
        out.append(f"  RETRACTS update {u.retracts} (once this update publishes, nothing of update {u.retracts} stays "
                   "but a 'withdrawn' marker: restate here whatever of it still holds)")
    f = u.facts
    for name in ("data_exposure", "affected_customers"):
        if getattr(f, name):
            out.append(f"  {name}: {getattr(f, name)}")
    if f.security_incident is not None:
        out.append(f"  security_incident: {'true' if f.security_incident else 'false'}")
    if f.data_categories:
        out.append(f"  data_categories: {', '.join(f.data_categories)}")
    for a in f.customer_actions or ():
        out.append(f"  customer action {a.id}: {a.text}")
    if u.acknowledge:
        out.append(f"  acknowledges lints: {', '.join(u.acknowledge)}")
    out.append("\n--- public (customers) ---")
    out.append(textwrap.indent(u.public.rstrip(), "  ") if u.public else "  (none)")
    out.append("\n--- technical (industry peers) ---")
    out.append(textwrap.indent(u.technical.rstrip(), "  ") if u.technical else "  (none)")
    if u.report:
        out.append("\n--- technical report revision ---")
        r = u.report
        for name in ("summary", "root_cause", "detection", "remediation"):
            if getattr(r, name):
                out.append(f"  {name}:\n" + textwrap.indent(getattr(r, name).rstrip(), "    "))
        for e in r.timeline:
            out.append(f"  timeline {format_time(e.at)}: {e.event.strip()}")
        for i in r.indicators:
            out.append(f"  indicator {i.type}: {i.value}" + (f" ({i.context.strip()})" if i.context else ""))
        if r.attack_techniques:
            out.append(f"  ATT&CK: {', '.join(r.attack_techniques)}")
        if r.cves:
            out.append(f"  CVEs: {', '.join(r.cves)}")
        for ref in r.references:
            out.append(f"  reference: {ref}")
    lint = _lints_for(content, inc, u)
    if lint:
        out.append("\n--- lints ---")
        out += [f"  {p}" for p in lint]
    out.append(f"\ndigest: {d}")
    text, hidden = _visible("\n".join(out))
    if hidden:
        text += (f"\nwarning: the update contains {hidden} invisible or control character(s), shown above as "
                 "<U+XXXX>; they are part of what you sign")
    return Summary(u.id, d, text)


def _visible(text: str) -> tuple[str, int]:
    """Show control and format characters (terminal escapes, bidi overrides, zero-width
    spaces) as ``<U+XXXX>``, so the text on screen is the text being signed."""
    out, n = [], 0
    for ch in text:
        if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            out.append(f"<U+{ord(ch):04X}>")
            n += 1
        else:
            out.append(ch)
    return "".join(out), n


def _lints_for(content: Content, inc: Incident, u: Update) -> list:
    """This update's lint findings (only its incident is linted), or the errors in lint.yml."""
    from ..lint import load_config
    from ..lint.rules import lint_incident

    config, problems = load_config(Path(content.root))
    if config is None:
        return problems
    return [p for uid, p in lint_incident(inc, config) if uid == u.id]


def sign_update(root: Path, incident: str, update_id: int, team: str, member: str, key: Path | None) -> Path:
    """Sign with ssh-keygen, verify against teams.yml, write the .sig file."""
    content = load_content(root, only={incident})
    inc, u = _find(content, incident, update_id)
    teams = content.teams
    registry = Registry(teams)
    try:
        registry.check_member(team, member)
    except SignatureError as exc:
        raise StatuskitError(exc.message) from None
    msg = statement(inc.id, u.id, digest(u), team, member)
    data = ssh_keygen_sign(key, teams.namespace, msg)
    out = root / "approvals" / inc.id / str(u.id) / f"{team}--{member}.sig"
    try:
        registry.check(inc.id, u.id, digest(u), ApprovalFile(inc.id, u.id, team, member, str(out), data))
    except SignatureError as exc:
        raise StatuskitError(f"the new signature would not count: {exc.message}") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def allowed_signers_text(root: Path) -> str:
    """An OpenSSH allowed_signers file: one line per key of each member of a required team."""
    content = load_content(root, only=set())  # teams.yml (and components.yml) only
    t = content.teams
    lines = [f"# statuskit approvers ({display_path(root / 'teams.yml')}), namespace {t.namespace}"]
    for mid, k in Registry(t).signing_keys():
        parts = k.split()
        lines.append(f'{mid} namespaces="{t.namespace}" {parts[0]} {parts[1]}')
    return "\n".join(lines) + "\n"


def statement_for(root: Path, incident: str, update_id: int, team: str, member: str) -> bytes:
    """The statement as the verifier rebuilds it."""
    content = load_content(root, only={incident})
    inc, u = _find(content, incident, update_id)
    return statement(inc.id, u.id, digest(u), team, member)
