"""Approving a change to teams.yml: the registry of who may approve.

A pull request must not be able to add its own approver. So a change to the
validated registry (namespace, required teams, members, keys, teams, revoked
keys) counts only when one member of every required team *of the registry
before the change* has signed the new registry's digest, with a key that
registry lists. Comments and formatting in teams.yml do not change the digest.

The statement (UTF-8, ``\\n`` line ends, a final newline) is::

    statuskit-teams v1
    digest: sha256:<64 hex: sha256 of the canonical JSON of the new registry>
    team: security
    member: bob

signed with ``ssh-keygen -Y sign -n <namespace of the registry before the change>``
and stored as ``content/approvals/_teams/<64 hex>/<team>--<member>.sig``. Like
an update's approval, the statement is never stored: the verifier rebuilds it
from teams.yml and the file's path. (``_teams`` cannot collide with an
incident id, which never starts with ``_``.)

>>> d = registry_digest(content.teams)
>>> teams_statement(d, "security", "bob")
b'statuskit-teams v1\\ndigest: sha256:...\\nteam: security\\nmember: bob\\n'
>>> problems = teams_change_problems(base_teams, head_teams, Path("content"))
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .approve import ssh_keygen_sign
from .errors import Problem, SignatureError, StatuskitError
from .gate.approvals import Registry, assign_teams
from .gate.digest import canonical_json
from .gate.sshsig import parse_armored, verify
from .model.content import APPROVAL_NAME_RE, MAX_SIG_BYTES, display_path
from .model.records import Teams

__all__ = [
    "TEAMS_APPROVALS_DIR", "TEAMS_STATEMENT_HEADER", "registry_json", "registry_digest", "teams_statement",
    "teams_approval_dir", "TeamsApprovals", "verify_teams_approvals", "teams_change_problems", "sign_teams",
]

TEAMS_APPROVALS_DIR = "_teams"
"""Folder under content/approvals/ that holds approvals of teams.yml changes."""
TEAMS_STATEMENT_HEADER = "statuskit-teams v1"


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.replace("\r\n", "\n").replace("\r", "\n"))


def registry_json(teams: Teams) -> dict:
    """The validated registry as a JSON object (the input of :func:`registry_digest`).

    ``{"namespace", "required_teams", "members": {id: {"name", "keys", "github"}},
    "teams": {id: [member ids]}, "revoked_keys"}`` -- lists in file order, ``github``
    null when not set, strings NFC-normalised.
    """
    return {
        "namespace": _nfc(teams.namespace),
        "required_teams": [_nfc(t) for t in teams.required_teams],
        "members": {
            mid: {"name": _nfc(m.name), "keys": [_nfc(k) for k in m.keys],
                  "github": _nfc(m.github) if m.github else None}
            for mid, m in teams.members.items()
        },
        "teams": {tid: [_nfc(m) for m in ms] for tid, ms in teams.teams.items()},
        "revoked_keys": [_nfc(k) for k in teams.revoked_keys],
    }


def registry_digest(teams: Teams) -> str:
    """``sha256:<hex>`` of the canonical JSON of the registry (sorted keys, compact, UTF-8)."""
    return "sha256:" + hashlib.sha256(canonical_json(registry_json(teams))).hexdigest()


def teams_statement(digest_: str, team: str, member: str) -> bytes:
    """The exact bytes a member signs to approve a registry; rebuilt by the verifier."""
    return f"{TEAMS_STATEMENT_HEADER}\ndigest: {digest_}\nteam: {team}\nmember: {member}\n".encode("utf-8")


def teams_approval_dir(root: Path, digest_: str) -> Path:
    """``content/approvals/_teams/<hex>``."""
    return Path(root) / "approvals" / TEAMS_APPROVALS_DIR / digest_.split(":", 1)[1]


@dataclass(frozen=True)
class TeamsApprovals:
    """Who approved a new registry, as verified against the previous one."""

    digest: str
    """Digest of the new registry."""
    valid: tuple[tuple[str, str], ...]
    """(team, member) pairs whose signatures verify."""
    rejected: tuple[tuple[str, str], ...]
    """(file, reason) for files that do not count."""
    missing: tuple[str, ...]
    """Required teams (of the previous registry) without an approval by a distinct person."""

    @property
    def approved(self) -> bool:
        return not self.missing


def _check_one(registry: Registry, digest_: str, team: str, member: str, data: bytes) -> None:
    """Raise SignatureError unless ``data`` approves the registry ``digest_`` (approvals.md rules 1-4)."""
    t = registry.teams
    sig = parse_armored(data)  # 1. SSHSIG v1, sha256/sha512
    if sig.namespace != t.namespace:
        raise SignatureError(f"signed in namespace {sig.namespace!r}, expected {t.namespace!r} "
                             "(teams.yml before the change)")
    # 3. member of a required team of the previous registry
    if team not in t.required_teams:
        raise SignatureError(f"team '{team}' is not one of the required teams ({', '.join(t.required_teams)})")
    if member not in t.teams.get(team, ()):
        raise SignatureError(f"'{member}' is not a member of team '{team}' in teams.yml before the change")
    # 2. one of the member's keys, not revoked
    if sig.public_key in registry.revoked:
        raise SignatureError("signed with a revoked key")
    if sig.public_key not in registry.member_keys.get(member, frozenset()):
        raise SignatureError(f"signed with a key that is not one of {member}'s keys in teams.yml before the change")
    # 4. verifies over the rebuilt statement
    verify(sig, teams_statement(digest_, team, member))


def verify_teams_approvals(previous: Teams, new: Teams, root: Path) -> TeamsApprovals:
    """Verify content/approvals/_teams/<digest of new>/ against the previous registry."""
    d = registry_digest(new)
    registry = Registry(previous)
    folder = teams_approval_dir(root, d)
    valid: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    entries = sorted(os.scandir(folder), key=lambda e: e.name) if folder.is_dir() else []
    for e in entries:
        if e.name.startswith("."):
            continue
        disp = display_path(Path(e.path))
        m = APPROVAL_NAME_RE.match(e.name)
        if not m or not e.is_file():
            rejected.append((disp, "approval files are named <team>--<member>.sig"))
            continue
        if e.stat().st_size > MAX_SIG_BYTES:
            rejected.append((disp, f"approval file is larger than {MAX_SIG_BYTES} bytes"))
            continue
        with open(e.path, "rb") as fh:
            data = fh.read()
        try:
            _check_one(registry, d, m.group(1), m.group(2), data)
        except SignatureError as exc:
            rejected.append((disp, exc.message))
        else:
            valid.append((m.group(1), m.group(2)))
    covered, missing = assign_teams(previous.required_teams, valid)
    return TeamsApprovals(d, tuple(sorted(valid)), tuple(rejected), missing)


def teams_change_problems(previous: Teams, new: Teams, root: Path, teams_file: str, line: int | None,
                          ref: str) -> list[Problem]:
    """Problems when ``new`` differs from ``previous`` without the previous registry's approval."""
    if registry_digest(previous) == registry_digest(new):
        return []
    ap = verify_teams_approvals(previous, new, root)
    folder = display_path(teams_approval_dir(root, ap.digest))
    out = [Problem(f, None, None, f"approval of the teams.yml change does not count: {why}", rule="teams-approval-invalid")
           for f, why in ap.rejected]
    if ap.missing:
        out.append(Problem(
            teams_file, line, None,
            f"teams.yml changed since {ref} (new registry {ap.digest}) without approval by: {', '.join(ap.missing)}. "
            f"A change to who may approve needs one member of every required team of {ref} to sign it: each runs "
            f"`statuskit approve-teams --team TEAM --member MEMBER` and commits {folder}/<team>--<member>.sig",
            rule="teams-unapproved"))
    return out


def sign_teams(root: Path, new: Teams, previous: Teams, team: str, member: str, key: Path | None) -> Path:
    """Sign the registry ``new`` as ``member`` of ``team`` in ``previous``; write and return the .sig path."""
    if team not in previous.required_teams:
        raise StatuskitError(f"team '{team}' is not a required team ({', '.join(previous.required_teams)})")
    if member not in previous.teams.get(team, ()):
        raise StatuskitError(f"'{member}' is not in team '{team}' in the teams.yml that must approve the change")
    d = registry_digest(new)
    msg = teams_statement(d, team, member)
    data = ssh_keygen_sign(key, previous.namespace, msg)
    try:
        _check_one(Registry(previous), d, team, member, data)
    except SignatureError as exc:
        raise StatuskitError(f"the new signature would not count: {exc.message}") from None
    out = teams_approval_dir(root, d) / f"{team}--{member}.sig"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def describe_registry(new: Teams, previous: Teams | None) -> str:
    """What an approver of a teams.yml change is shown: the registry, and what changed."""
    lines = [f"namespace: {new.namespace}", f"required teams: {', '.join(new.required_teams)}"]
    for tid, ms in new.teams.items():
        lines.append(f"team {tid}: {', '.join(ms) or '(nobody)'}")
    for mid, m in new.members.items():
        for k in m.keys:
            lines.append(f"member {mid} ({m.name}) key: {_short_key(k)}")
    for k in new.revoked_keys:
        lines.append(f"revoked: {_short_key(k)}")
    if previous is not None:
        changes = _registry_changes(previous, new)
        lines.append("")
        lines.append("changes:" if changes else "changes: none (the registry is unchanged)")
        lines += [f"  {c}" for c in changes]
    return "\n".join(lines)


def _short_key(line: str) -> str:
    parts = line.split()
    body = parts[1] if len(parts) > 1 else ""
    short = body if len(body) <= 24 else f"{body[:12]}...{body[-8:]}"
    return " ".join([parts[0], short] + parts[2:3])


def _registry_changes(old: Teams, new: Teams) -> list[str]:
    out = []
    if old.namespace != new.namespace:
        out.append(f"namespace: {old.namespace} -> {new.namespace}")
    if old.required_teams != new.required_teams:
        out.append(f"required teams: {', '.join(old.required_teams)} -> {', '.join(new.required_teams)}")
    for mid in sorted(set(old.members) | set(new.members)):
        a, b = old.members.get(mid), new.members.get(mid)
        if a is None:
            out.append(f"+ member {mid} ({b.name})")
        elif b is None:
            out.append(f"- member {mid} ({a.name})")
        else:
            if a.name != b.name:
                out.append(f"~ member {mid}: name {a.name} -> {b.name}")
            for k in b.keys:
                if k not in a.keys:
                    out.append(f"+ key of {mid}: {_short_key(k)}")
            for k in a.keys:
                if k not in b.keys:
                    out.append(f"- key of {mid}: {_short_key(k)}")
            if a.github != b.github:
                out.append(f"~ member {mid}: github {a.github} -> {b.github}")
    for tid in sorted(set(old.teams) | set(new.teams)):
        a, b = set(old.teams.get(tid, ())), set(new.teams.get(tid, ()))
        out += [f"+ {m} joins team {tid}" for m in sorted(b - a)]
        out += [f"- {m} leaves team {tid}" for m in sorted(a - b)]
    for k in new.revoked_keys:
        if k not in old.revoked_keys:
            out.append(f"+ revoked: {_short_key(k)}")
    for k in old.revoked_keys:
        if k not in new.revoked_keys:
            out.append(f"- un-revoked: {_short_key(k)}")
    return out
