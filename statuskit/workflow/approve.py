"""Approving an update: show it, sign the statement with ssh-keygen, check the result.

Signing goes through ``ssh-keygen -Y sign`` so that agents and hardware keys
work as usual; the new signature is verified in-process against teams.yml
before it is written, so a wrong key or team is caught at once.

Who signs is told, or found: the member from the key (``--key FILE`` or the
ssh-agent's keys, matched against teams.yml), the team from the member when
they are in one required team (:func:`resolve_signer`). ``approve INCIDENT``
signs every update still lacking the team's approval (:func:`pending`), since
an update publishes only after every earlier one.
"""

from __future__ import annotations

import os
import shlex
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import SignatureError, StatuskitError
from ..gate.approvals import Registry, Rejected, UpdateApprovals, Why, update_approvals
from ..gate.digest import digest, statement
from ..model.content import display_path, load_content
from ..model.records import ApprovalFile, Content, Incident, Teams, Update
from ..model.validate import format_time
from ..ssh.sign import agent_public_keys, public_key_of, ssh_keygen_sign
from ..ssh.sshsig import line_fingerprint as fingerprint, public_key_blob


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
        for score in r.cvss:  # with the base score the CSAF advisory will publish
            from cvss import CVSS3

            base = CVSS3(score.vector)
            out.append(f"  CVSS {score.cve}: {score.vector} (base score {base.base_score} "
                       f"{base.severities()[0]}) for {score.product}" + (f" [{score.cpe}]" if score.cpe else ""))
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


def sign_update(root: Path, incident: str, update_id: int, team: str, member: str, key: Path | None,
                agent_key: str | None = None) -> Path:
    """Sign with ssh-keygen (the key file ``key``, or the agent's key ``agent_key``), verify against
    teams.yml, write the .sig file."""
    content = load_content(root, only={incident})
    inc, u = _find(content, incident, update_id)
    teams = content.teams
    registry = Registry(teams)
    try:
        registry.check_member(team, member)
    except SignatureError as exc:
        raise StatuskitError(exc.message) from None
    msg = statement(inc.id, u.id, digest(u), team, member)
    data = ssh_keygen_sign(key, teams.namespace, msg, agent_key)
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


# --- who signs: the member from the key, the team from the member --------------------------------


def _key_label(line: str) -> str:
    """A key as people recognise it: fingerprint, then its comment (``ssh-add -l`` order)."""
    parts = line.split(None, 2)
    return fingerprint(line) + (f" {parts[2]}" if len(parts) > 2 else "")


@dataclass(frozen=True)
class Signer:
    """Who signs, for which team, with which key."""

    team: str
    member: str
    key: Path | None
    """The key file for ``ssh-keygen -f`` (None: the agent's ``agent_key``, or ~/.ssh/id_ed25519)."""
    agent_key: str | None
    """The public key line of the ssh-agent's key to sign with."""
    fingerprint: str | None
    """The ``SHA256:`` fingerprint of the key, when its public half is known."""
    source: str
    """Where the key comes from, for messages ("the ssh-agent", "--key alice.pub")."""


_DEFAULT_KEY = "~/.ssh/id_ed25519"


def resolve_signer(root: Path, team: str | None, member: str | None, key: Path | None) -> Signer:
    """The signer: ``member`` or the one member of teams.yml whose key is ``key`` (a private key or
    its .pub) or in the ssh-agent; ``team`` or that member's one required team. Refuses, naming the
    keys by fingerprint and the members, when the key matches nobody or several people, and when the
    member is in two teams and no ``team`` was given."""
    teams = load_content(root, only=set()).teams
    registry = Registry(teams)
    revoked = registry.revoked

    def blob(line: str) -> bytes | None:
        try:
            return public_key_blob(line)
        except SignatureError:
            return None

    def owners(line: str) -> list[str]:
        b = blob(line)
        if b is None or b in revoked:
            return []
        return [mid for mid, ks in registry.member_keys.items() if b in ks]

    # the keys the signer holds: the --key file, else the agent's, else the default key file
    agent = agent_public_keys() if key is None else None
    if key is not None:
        pub = public_key_of(key)
        held, source = ([pub] if pub else []), f"--key {display_path(key)}"
    elif agent:
        held, source = agent, "the ssh-agent"
    else:
        default = Path(os.path.expanduser(_DEFAULT_KEY))
        pub = public_key_of(default)
        held, source = ([pub] if pub else []), _DEFAULT_KEY
    if member is None:
        member = _member_of_keys(teams, held, owners, source, agent)
    if member not in teams.members:
        raise StatuskitError(f"'{member}' is not a member in teams.yml")
    # the key to sign with: of the agent's keys, the member's; a key file is checked before signing
    mine = [line for line in held if member in owners(line)]
    agent_key: str | None
    used: str | None
    if key is None and agent:
        if not mine:
            raise StatuskitError(
                f"the ssh-agent holds none of {member}'s keys in teams.yml:\n"
                + _keys_block(teams, held, member) + "\nadd your key to the agent (ssh-add), or give --key FILE")
        agent_key, used = mine[0], mine[0]
    else:
        agent_key, used = None, (held[0] if held else None)
        if used is not None and not mine:
            b = blob(used)
            what = ("is revoked in teams.yml (revoked_keys)" if b is not None and b in revoked
                    else f"is not one of {member}'s keys in teams.yml")
            raise StatuskitError(f"the key {fingerprint(used)} ({source}) {what}:\n" + _keys_block(teams, [], member)
                                 + f"\ngive --key with one of {member}'s keys, or the right --member")
    if team is None:
        team = _team_of(teams, member)
    try:
        registry.check_member(team, member)
    except SignatureError as exc:
        raise StatuskitError(exc.message) from None
    return Signer(team, member, key if agent_key is None else None, agent_key,
                  fingerprint(used) if used else None, source)


def _member_of_keys(teams: Teams, held: list[str], owners: Callable[[str], list[str]], source: str,
                    agent: list[str] | None) -> str:
    if not held:
        where = ("the ssh-agent holds no keys" if agent == [] else
                 f"no public key was found for {source}" if source != _DEFAULT_KEY else
                 f"there is no ssh-agent ($SSH_AUTH_SOCK) and no {_DEFAULT_KEY}.pub")
        raise StatuskitError(f"cannot tell who you are: {where}; give --member, or --key FILE "
                             "(a private key or its .pub), or add your key to the ssh-agent (ssh-add)")
    found = {mid: line for line in held for mid in owners(line)}
    if len(found) == 1:
        return next(iter(found))
    if not found:
        raise StatuskitError(f"no key of {source} is a member's key in teams.yml:\n" + _keys_block(teams, held)
                             + "\ngive --member and --key with one of their keys")
    raise StatuskitError(f"the keys of {source} belong to several members: "
                         + ", ".join(f"{mid} ({fingerprint(line)})" for mid, line in sorted(found.items()))
                         + "; say which with --member")


def _keys_block(teams: Teams, held: list[str], only: str | None = None) -> str:
    """The keys held, and the members' keys in teams.yml, by fingerprint."""
    lines = []
    if held:
        lines.append("  keys offered:")
        lines += [f"    {_key_label(k)}" for k in held]
    lines.append("  keys in teams.yml:" if only is None else f"  {only}'s keys in teams.yml:")
    for mid, m in teams.members.items():
        if only is not None and mid != only:
            continue
        in_teams = [t for t, ms in teams.teams.items() if mid in ms]
        for k in m.keys or ():
            lines.append(f"    {mid} ({', '.join(in_teams) or 'no team'}): {fingerprint(k)}")
        if not m.keys:
            lines.append(f"    {mid}: no key")
    return "\n".join(lines)


def _team_of(teams: Teams, member: str) -> str:
    mine = [t for t in teams.required_teams if member in teams.teams.get(t, ())]
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise StatuskitError(f"{member} is in no required team ({', '.join(teams.required_teams)}) in teams.yml")
    count = {2: "two", 3: "three"}.get(len(mine), str(len(mine)))
    raise StatuskitError(f"{member} is in {count} teams ({', '.join(mine)}): say which you approve for with "
                         + " or ".join(f"--team {t}" for t in mine) + " (one person counts for one team only)")


# --- what is pending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """An update still lacking an approval that counts from the signer's team."""

    update: int
    status: str
    first_line: str
    """The first line of its public text (else of its technical text, else its title)."""
    changed: bool
    """The signer has an approval file for it that signed an older version of the text."""
    retracted_by: int | None = None
    """A later update of the incident retracts it: once that one publishes, this one needs no approval."""
    also_for: tuple[str, ...] = ()
    """Other teams the signer's approval of it counts for already (one person counts for one team only)."""


def pending(root: Path, incident: str, team: str, member: str) -> list[Pending]:
    """The updates of ``incident`` without a valid approval of ``team``, oldest first."""
    content = load_content(root, only={incident})
    inc, _ = _find(content, incident, None)
    registry = Registry(content.teams)
    retracted = {v.retracts: v.id for v in inc.updates if v.retracts is not None}
    out = []
    for u in inc.updates:
        ap = update_approvals(registry, content, inc.id, u)
        if any(t == team for t, _ in ap.valid):
            continue
        changed = any(r.team == team and r.member == member and r.why is Why.OTHER_TEXT for r in ap.rejected)
        also = tuple(t for t, m in ap.valid if m == member and t != team)
        out.append(Pending(u.id, u.status, _first_line(u), changed, retracted.get(u.id), also))
    return out


def _first_line(u: Update) -> str:
    for text in (u.public, u.technical, u.title):
        for line in (text or "").splitlines():
            if line.strip():
                line = _visible(line.strip())[0]
                return line if len(line) <= 72 else line[:71] + "…"
    return "(no text)"


def _notes(p: Pending) -> str:
    notes = ["changed since you signed"] if p.changed else []
    if p.also_for:
        notes.append(f"you approved it for {', '.join(p.also_for)}: one person counts for one team only")
    return "".join(f"  [{n}]" for n in notes)


def approve_command(incident: str, update: int | None, signer: Signer, content_dir: Path, *, yes: bool) -> str:
    """The exact command line that signs the same thing again (with --yes: without asking)."""
    args = ["statuskit", "approve", incident] + ([str(update)] if update is not None else [])
    args += ["--team", signer.team, "--member", signer.member]
    if signer.key is not None and signer.source != _DEFAULT_KEY:
        args += ["--key", str(signer.key)]
    if Path(content_dir) != Path("content"):
        args += ["--content", str(content_dir)]
    if yes:
        args.append("--yes")
    return shlex.join(args)


@dataclass(frozen=True)
class ApprovalPlan:
    """What `statuskit approve` shows, asks and signs."""

    signer: Signer
    updates: tuple[int, ...]
    """The updates to sign, in order (none: nothing to approve)."""
    text: str
    """Each update as the approver reads it, the signer and key, and the list of what is pending."""
    question: str
    warning: str | None
    """Earlier updates that still lack the team's approval and hold back the one asked for."""
    command: str
    """The exact command that signs the same without asking (``--yes``)."""


def plan_approval(root: Path, incident: str, update_id: int | None, team: str | None, member: str | None,
                  key: Path | None) -> ApprovalPlan:
    """Without ``update_id``: every update of ``incident`` still lacking an approval of the signer's team
    that counts; with it, that one (and a warning naming the earlier ones that hold it back)."""
    first = describe(root, incident, update_id)  # (refuses an unknown incident or update first)
    signer = resolve_signer(root, team, member, key)
    lacking = pending(root, incident, signer.team, signer.member)
    todo = [p for p in lacking if p.retracted_by is None]  # a retracted update is withdrawn, not signed
    ids = tuple(p.update for p in todo) if update_id is None else (first.update,)
    who = f"for team '{signer.team}' as '{signer.member}'"
    command = approve_command(incident, update_id, signer, root, yes=True)
    if not ids:
        return ApprovalPlan(signer, (), f"nothing to approve: every update of {incident} has an approval of team "
                            f"'{signer.team}' that counts", "", None, command)
    out = [(first if n == first.update else describe(root, incident, n)).text + "\n" for n in ids]
    out.append(f"signing {who} with " + (f"key {signer.fingerprint} ({signer.source})" if signer.fingerprint
                                          else signer.source))
    warning = None
    if update_id is None:
        n = len(todo)
        out.append(f"{n} update{'s' if n > 1 else ''} of {incident} lack{'' if n > 1 else 's'} an approval of "
                   f"team '{signer.team}':")
        out += [f"  update {p.update} ({p.status}): {p.first_line}" + _notes(p) for p in todo]
        out += [f"  (update {p.update} needs no approval: update {p.retracted_by} retracts it)" for p in lacking
                if p.retracted_by is not None]
        question = (f"Approve update {ids[0]} {who}?" if n == 1
                    else f"Approve these {n} updates ({', '.join(map(str, ids))}) {who}?")
    else:
        earlier = [p.update for p in todo if p.update < update_id]
        if earlier:
            e = len(earlier)
            warning = (f"update {update_id} cannot publish before update{'s' if e > 1 else ''} "
                       f"{', '.join(map(str, earlier))}, which still lack{'' if e > 1 else 's'} an approval of team "
                       f"'{signer.team}'; to approve them all, run: "
                       + approve_command(incident, None, signer, root, yes=False))
        question = f"Approve update {update_id} {who}?"
    return ApprovalPlan(signer, ids, "\n".join(out), question, warning, command)


# --- why an approval does not count, in plain words (for `status`) --------------------------------


def not_counted(content: Content, inc: Incident, u: Update, ap: UpdateApprovals) -> list[dict]:
    """Each approval file of ``u`` that does not count: ``{"file", "why", "reason", "text"}``, where
    ``why`` is the rule it fails (:class:`~statuskit.gate.approvals.Why`, or ``one-person-one-team``
    for a good signature by someone who already counts for another team) and ``text`` says it in
    plain words with what to do."""
    teams = content.teams
    out = []
    for r in ap.rejected:
        out.append({"file": r.file, "why": r.why.value, "reason": r.reason, "text": _explain(content, inc, u, r)})
    files = {(f.team, f.member): f.file for f in content.approvals.get((inc.id, u.id), ())}
    for t, m in ap.valid:
        if t not in ap.missing:
            continue
        others = [o for o, mm in ap.valid if mm == m and o != t]
        in_teams = [x for x in teams.required_teams if m in teams.teams.get(x, ())]
        count = {2: "two", 3: "three"}.get(len(in_teams), str(len(in_teams)))
        head = f"{m} is in {count} teams ({', '.join(in_teams)}) and" if len(in_teams) > 1 else f"{m}"
        text = (f"{head} already counts for {', '.join(others)}: one person counts for one team only; "
                f"{t} needs the approval of another of its members")
        out.append({"file": files.get((t, m), ""), "why": "one-person-one-team",
                    "reason": f"{m} counts for {', '.join(others)}", "text": text})
    return out


def _explain(content: Content, inc: Incident, u: Update, r: Rejected) -> str:
    teams = content.teams
    m, t = r.member, r.team
    again = f"statuskit approve {inc.id} {u.id} --team {t} --member {m}"
    if r.why is Why.OTHER_TEXT:
        return f"{m} signed an older version of this text (or another update): re-approve with {again}"
    if r.why is Why.REVOKED:
        return f"signed with key {r.key}, which teams.yml revokes (revoked_keys): {m} approves again with another key"
    if r.why is Why.UNKNOWN_KEY:
        owner = [o for o, mem in teams.members.items() if o != m and r.key in {fingerprint(k) for k in mem.keys}]
        note = (f" (it is {owner[0]}'s key: the file is named for {m} but {owner[0]} signed it)" if owner
                else _removed_note(content, m, r.key))
        return f"signed with key {r.key}, which is not one of {m}'s keys in teams.yml{note}"
    if r.why is Why.NAMESPACE:
        return f"wrong namespace: {r.reason}; it was made for another site or purpose: re-approve with {again}"
    if r.why is Why.NOT_A_MEMBER:
        return f"{m} is not a member in teams.yml (removed, or never added): only current members' approvals count"
    if r.why is Why.NOT_IN_TEAM:
        in_teams = [x for x, ms in teams.teams.items() if m in ms]
        return (f"{m} is not a member of team {t} in teams.yml"
                + (f" ({m} is in {', '.join(in_teams)})" if in_teams else ""))
    if r.why is Why.TEAM_NOT_REQUIRED:
        return f"team {t} is not a required team ({', '.join(teams.required_teams)})"
    return f"bad signature: {r.reason}"


def _removed_note(content: Content, member: str, fp: str | None) -> str:
    """When the key was ``member``'s in an approved teams.yml step: which step took it away."""
    from ..gate.site_chain import TEAMS, WorkTree, parse_manifest, read_steps

    if fp is None:
        return ""
    steps, _ = read_steps(WorkTree(Path(content.root)), "approvals", TEAMS)
    had = None
    for seq in sorted(steps):
        manifest, _ = parse_manifest(TEAMS, steps[seq])
        if manifest is None:
            continue
        keys = ((manifest.get("registry") or {}).get("members") or {}).get(member, {}).get("keys") or []
        if any(fingerprint(k) == fp for k in keys):
            had = seq
        elif had is not None:
            return f" (teams step {seq} removed it from {member}'s keys)"
    return f" (it was {member}'s key in teams step {had}; the current teams.yml no longer lists it)" if had else ""
