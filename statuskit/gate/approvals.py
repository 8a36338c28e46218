"""Verifying approvals: which teams approved an update's exact content.

The same code serves ``check``, ``status`` and ``build``. Nothing is trusted
from the signature file but the signature itself: the statement is rebuilt from
the update on disk and from the file's path (incident, update, team, member).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..errors import SignatureError, SignatureMismatch
from ..infra.parallel import pmap
from ..model.records import ApprovalFile, Content, Teams, Update
from .digest import digest, statement
from ..ssh.sshsig import key_fingerprint, parse_armored, public_key_blob, verify
from ..ssh.verified import VerifiedCache, default_cache


class Why(str, enum.Enum):
    """Which rule an approval file fails (reference/approvals.md, "A signature counts when")."""

    BAD_SIGNATURE = "bad-signature"
    """Rule 1 or 4: not a well-formed SSHSIG signature, or of an unsupported type."""
    NAMESPACE = "namespace"
    """Rule 1: signed in another namespace than teams.yml's."""
    REVOKED = "revoked-key"
    """Rule 2: the embedded key is in revoked_keys."""
    UNKNOWN_KEY = "unknown-key"
    """Rule 2: the embedded key is not one of the member's keys."""
    NOT_A_MEMBER = "not-a-member"
    """Rule 3: the member is not in teams.yml."""
    NOT_IN_TEAM = "not-in-team"
    """Rule 3: the member is not in the team."""
    TEAM_NOT_REQUIRED = "team-not-required"
    """Rule 3: the team is not a required team."""
    OTHER_TEXT = "other-text"
    """Rule 4: a good signature by the member's key, but not over this statement: it signed other
    words, most often an older version of the update (a stale approval)."""


class Rejection(SignatureError):
    """A signature that does not count: the message, which rule it fails, and the embedded key."""

    def __init__(self, message: str, why: Why, key: bytes | None = None) -> None:
        super().__init__(message)
        self.why = why
        self.key = key


@dataclass(frozen=True)
class Rejected:
    """An approval file that does not count, and why."""

    file: str
    team: str
    member: str
    reason: str
    why: Why = Why.BAD_SIGNATURE
    """The rule it fails (for explaining it in plain words)."""
    key: str | None = None
    """The ``SHA256:`` fingerprint of the key it was signed with, when it parses."""


@dataclass(frozen=True)
class UpdateApprovals:
    """The approval state of one update."""

    digest: str
    """The digest of the update as it is on disk now."""
    valid: tuple[tuple[str, str], ...]
    """(team, member) pairs whose signatures verify, sorted."""
    rejected: tuple[Rejected, ...]
    """Files that do not count, with the reason."""
    approved_by: tuple[str, ...]
    """Required teams covered by distinct people (in required_teams order), when approved."""
    missing: tuple[str, ...]
    """Required teams without a valid approval (empty when approved)."""

    @property
    def approved(self) -> bool:
        return not self.missing


class Registry:
    """teams.yml prepared for fast verification (key blobs decoded once)."""

    def __init__(self, teams: Teams, cache: VerifiedCache | None = None) -> None:
        self._verify = cache.verify if cache is not None else verify
        # 6. an empty rule set fails: validation guarantees required_teams is non-empty
        if not teams.required_teams:
            raise SignatureError("teams.yml requires no team: refusing to treat anything as approved")
        self.teams = teams
        self.member_keys: dict[str, frozenset[bytes]] = {}
        for mid, m in teams.members.items():
            self.member_keys[mid] = frozenset(_blob(k) for k in m.keys)
        self.revoked = frozenset(_blob(k) for k in teams.revoked_keys)

    def check(self, incident: str, update_id: int, digest_: str, f: ApprovalFile) -> None:
        """Raise SignatureError unless ``f`` is a valid approval of this update."""
        self.check_signed(f.team, f.member, f.data, statement(incident, update_id, digest_, f.team, f.member))

    def check_signed(self, team: str, member: str, data: bytes, message: bytes, where: str = "teams.yml") -> None:
        """Raise SignatureError unless ``data`` is ``member`` of ``team`` signing ``message`` (the four
        rules of reference/approvals.md; also for teams.yml and site-file approvals). ``where`` names
        this registry in messages."""
        t = self.teams
        try:
            sig = parse_armored(data)  # 1. parses as SSHSIG v1 (hash checked by the parser)
        except SignatureError as exc:
            raise Rejection(exc.message, Why.BAD_SIGNATURE) from None
        key = bytes(sig.public_key)
        if sig.namespace != t.namespace:
            raise Rejection(f"signed in namespace {sig.namespace!r}, expected {t.namespace!r} ({where})",
                            Why.NAMESPACE, key)
        try:
            self.check_member(team, member, where)
        except Rejection as exc:
            raise Rejection(exc.message, exc.why, key) from None
        # 2. the embedded key is one of the member's keys, not revoked
        if sig.public_key in self.revoked:
            raise Rejection(f"signed with a revoked key ({where} revoked_keys)", Why.REVOKED, key)
        if sig.public_key not in self.member_keys[member]:
            raise Rejection(f"signed with a key that is not one of {member}'s keys in {where}", Why.UNKNOWN_KEY, key)
        # 4. the signature verifies over the rebuilt statement
        try:
            self._verify(sig, message)
        except SignatureMismatch as exc:
            raise Rejection(exc.message, Why.OTHER_TEXT, key) from None
        except SignatureError as exc:
            raise Rejection(exc.message, Why.BAD_SIGNATURE, key) from None

    def check_member(self, team: str, member: str, where: str = "teams.yml") -> None:
        """Raise SignatureError unless ``member`` may approve for ``team`` (rule 3; also checked before
        asking ssh-keygen to sign, so a wrong --team or --member fails before the key is touched)."""
        t = self.teams
        # 3. the member belongs to the team, and the team is required
        if team not in t.required_teams:
            raise Rejection(f"team '{team}' is not one of the required teams ({', '.join(t.required_teams)})",
                            Why.TEAM_NOT_REQUIRED)
        if member not in t.members:
            raise Rejection(f"'{member}' is not a member in {where}", Why.NOT_A_MEMBER)
        if member not in t.teams.get(team, ()):
            raise Rejection(f"'{member}' is not a member of team '{team}'"
                            + ("" if where == "teams.yml" else f" in {where}"), Why.NOT_IN_TEAM)

    def signing_keys(self) -> list[tuple[str, str]]:
        """(member, key line) of every key whose signature can count: the keys of each member of a
        required team (rule 3), revoked ones left out (rule 2); members sorted, keys in file order."""
        t = self.teams
        members = sorted({m for team in t.required_teams for m in t.teams.get(team, ())})
        return [(mid, k) for mid in members for k in t.members[mid].keys if _blob(k) not in self.revoked]


@lru_cache(maxsize=4096)
def _blob(line: str) -> bytes:
    return public_key_blob(line)


def assign_teams(required: tuple[str, ...], valid: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cover each required team with a distinct person: (covered teams, missing teams).

    No one person counts for two teams, so this is a small matching problem;
    teams are few, so a depth-first search is plenty.
    """
    candidates = {team: sorted({m for t, m in valid if t == team}) for team in required}
    best: list[str] = []

    def search(i: int, used: set[str], chosen: list[str]) -> bool:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        if i == len(required):
            return len(chosen) == len(required)
        team = required[i]
        for member in candidates[team]:
            if member not in used:
                used.add(member)
                chosen.append(team)
                if search(i + 1, used, chosen):
                    return True
                chosen.pop()
                used.discard(member)
        # this team cannot be covered; try the rest
        return search(i + 1, used, chosen)

    search(0, set(), [])
    covered = tuple(t for t in required if t in best)
    missing = tuple(t for t in required if t not in best)
    return covered, missing


def update_approvals(registry: Registry, content: Content, incident: str, update: Update) -> UpdateApprovals:
    """Verify every approval file of one update."""
    return verify_update(registry, incident, update, content.approvals.get((incident, update.id), ()))


def verify_update(registry: Registry, incident: str, update: Update, files: Iterable[ApprovalFile]) -> UpdateApprovals:
    """Verify the approval files ``files`` of one update."""
    d = digest(update)
    valid: list[tuple[str, str]] = []
    rejected: list[Rejected] = []
    for f in files:
        try:
            registry.check(incident, update.id, d, f)
        except SignatureError as exc:
            why, key = (exc.why, exc.key) if isinstance(exc, Rejection) else (Why.BAD_SIGNATURE, None)
            rejected.append(Rejected(f.file, f.team, f.member, exc.message, why,
                                     key_fingerprint(key) if key is not None else None))
        else:
            valid.append((f.team, f.member))
    covered, missing = assign_teams(registry.teams.required_teams, valid)
    if missing:
        covered = ()
    return UpdateApprovals(d, tuple(sorted(valid)), tuple(rejected), covered, missing)


def all_approvals(content: Content) -> dict[tuple[str, int], UpdateApprovals]:
    """Approval state of every update in the content (verified in parallel for large sites)."""
    registry = Registry(content.teams, default_cache())
    results = pmap(_incident_approvals, range(len(content.incidents)), (registry, content))
    return {key: ap for part in results for key, ap in part}


def _incident_approvals(
    shared: tuple[Registry, Content], index: int
) -> list[tuple[tuple[str, int], UpdateApprovals]]:
    registry, content = shared
    inc = content.incidents[index]
    return [((inc.id, u.id), update_approvals(registry, content, inc.id, u)) for u in inc.updates]
