"""Approving a change to teams.yml: the registry of who may approve.

A pull request must not be able to add its own approver. So a change to the
validated registry (namespace, required teams, members, keys, teams, revoked
keys) counts only when one member of every required team *of the registry
before the change* has signed it, with a key that registry lists. Comments and
formatting in teams.yml do not change the registry's digest.

Changes are numbered steps of the ``_teams`` chain (:mod:`statuskit.gate.site_chain`,
the same mechanism as the site files): ``content/approvals/_teams/<seq>/manifest.json``
is ``{"kind": "teams", "sequence", "replaces": <registry digest before>, "digest":
<new registry digest>, "registry": <registry_json>}``, and each approver signs::

    statuskit-teams v2
    manifest: sha256:<hex of the manifest.json bytes>
    team: security
    member: bob

with ``ssh-keygen -Y sign -n <namespace of the registry before the change>``. The
sequence number and ``replaces`` make each signature good for one transition only:
restoring an earlier teams.yml is a new step that needs new signatures.

>>> d = registry_digest(content.teams)
>>> problems = teams_change_problems(base_teams, head_teams, base_steps, head_steps, ...)
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, Mapping

from ..errors import Problem
from .approvals import Registry
from ..model.content import display_path
from ..model.records import Teams
from ..ssh.sshsig import line_fingerprint
from .site_chain import TEAMS, Step, StepApprovals, WorkTree, check_step, manifest_bytes, read_steps, state_digest, \
    step_statement, verify_step

__all__ = [
    "TEAMS_APPROVALS_DIR", "TEAMS_STATEMENT_HEADER", "registry_json", "registry_digest", "teams_statement",
    "teams_manifest", "verify_teams_approvals", "teams_change_problems", "describe_registry",
]

TEAMS_APPROVALS_DIR = TEAMS.folder
"""Folder under content/approvals/ that holds approvals of teams.yml changes."""
TEAMS_STATEMENT_HEADER = TEAMS.header


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.replace("\r\n", "\n").replace("\r", "\n"))


def registry_json(teams: Teams) -> dict[str, Any]:
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
    return state_digest(registry_json(teams))


def teams_manifest(seq: int, previous: Teams, new: Teams) -> bytes:
    """The ``manifest.json`` of step ``seq``: from ``previous`` to ``new``."""
    return manifest_bytes(TEAMS, seq, registry_digest(previous), registry_digest(new), registry_json(new))


def teams_statement(manifest: bytes, team: str, member: str) -> bytes:
    """The exact bytes a member signs to approve a teams.yml step; rebuilt by the verifier."""
    return step_statement(TEAMS, manifest, team, member)


def verify_teams_approvals(previous: Teams, new: Teams, root: Path) -> StepApprovals | None:
    """The working tree's step from ``previous`` to ``new`` (the highest whose manifest names that
    transition), verified against the previous registry; None when there is none."""
    steps, _ = read_steps(WorkTree(Path(root)), "approvals", TEAMS)
    before, after = registry_digest(previous), registry_digest(new)
    disp = display_path(Path(root) / "approvals" / TEAMS.folder)
    for seq in sorted(steps, reverse=True):
        ap = verify_step(TEAMS, Registry(previous), steps[seq], f"{disp}/{seq}", "teams.yml before the change")
        if ap.manifest is not None and (ap.manifest["replaces"], ap.manifest["digest"]) == (before, after):
            return ap
    return None


def teams_change_problems(previous: Teams, new: Teams, base_steps: Mapping[int, Step], head_steps: Mapping[int, Step],
                          root: Path, teams_file: str, line: int | None, ref: str) -> list[Problem]:
    """Problems with the ``_teams`` chain: a registry change needs step ``<base_seq + 1>`` naming
    exactly this transition, signed under ``previous`` (teams.yml at REF)."""
    changes = _registry_changes(previous, new) or ["the registry"]
    return check_step(TEAMS, base_steps, head_steps, registry_digest(previous), registry_digest(new),
                      Registry(previous), display_path(Path(root) / "approvals"), ref, teams_file, line, changes)


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
    """A key as ``ssh-keygen -lf`` names it: type, ``SHA256:`` fingerprint, comment."""
    parts = line.split()
    return " ".join(parts[:1] + [line_fingerprint(line)] + parts[2:3])


def _registry_changes(old: Teams, new: Teams) -> list[str]:
    out = []
    if old.namespace != new.namespace:
        out.append(f"namespace: {old.namespace} -> {new.namespace}")
    if old.required_teams != new.required_teams:
        out.append(f"required teams: {', '.join(old.required_teams)} -> {', '.join(new.required_teams)}")
    for mid in sorted(set(old.members) | set(new.members)):
        a, b = old.members.get(mid), new.members.get(mid)
        if a is None and b is not None:
            out.append(f"+ member {mid} ({b.name})")
        elif b is None and a is not None:
            out.append(f"- member {mid} ({a.name})")
        elif a is not None and b is not None:
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
        was, now = set(old.teams.get(tid, ())), set(new.teams.get(tid, ()))
        out += [f"+ {m} joins team {tid}" for m in sorted(now - was)]
        out += [f"- {m} leaves team {tid}" for m in sorted(was - now)]
    for k in new.revoked_keys:
        if k not in old.revoked_keys:
            out.append(f"+ revoked: {_short_key(k)}")
    for k in old.revoked_keys:
        if k not in new.revoked_keys:
            out.append(f"- un-revoked: {_short_key(k)}")
    return out
