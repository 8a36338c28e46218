"""Validation: safe YAML documents -> typed records, collecting every problem.

Each ``validate_*`` function takes a :class:`~statuskit.model.load.Document`
and returns the record (or None) plus a list of problems; nothing here raises
for bad content. Messages compare what was found with what was expected.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from datetime import date, datetime, timezone
from collections.abc import Set as AbstractSet
from typing import Any, Callable

from ..errors import Problem
from .load import Document, Path_
from .records import (
    CvssScore,
    FrozenDict,
    DATA_EXPOSURE,
    INCIDENT_IMPACTS,
    INCIDENT_STATUSES,
    INDICATOR_TYPES,
    MAINTENANCE_STATUSES,
    Component,
    ComponentStatus,
    CustomerAction,
    Facts,
    Incident,
    Indicator,
    Kind,
    Member,
    Report,
    Teams,
    TimelineEntry,
    Update,
    Window,
)

# Patterns on input match the whole value (\A...\Z: ``$`` would also accept a trailing line feed), and
# re.ASCII: ``\d`` is 0-9 only, not every script's digits.
ID_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,79}\Z", re.ASCII)
"""Incident, component, member and team identifiers."""
ATTACK_RE = re.compile(r"\AT\d{4}(\.\d{3})?\Z", re.ASCII)
CVE_RE = re.compile(r"\ACVE-\d{4}-\d{4,}\Z", re.ASCII)
_TIME_RE = re.compile(
    r"\A(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?\Z", re.ASCII
)
_DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_NAMESPACE_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9@._+-]*\Z", re.ASCII)
_RULE_ID_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z", re.ASCII)
HIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""Control characters (other than tab and line ends), bidi embeddings, overrides and isolates,
zero-width space, word joiner and byte-order mark: refused in text."""


def _hidden_name(ch: str) -> str:
    code = ord(ch)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional-text control"
    if code in (0x200B, 0x2060, 0xFEFF):
        return "a zero-width character"
    return "a control character"


_URL_RE = re.compile(r"\Ahttps?://[^\s<>\"']+\Z", re.ASCII)

UPDATE_KEYS = (
    "id", "at", "status", "title", "impact", "components", "scheduled", "next_update_at",
    "public", "technical", "report", "embargo_until", "technical_embargo_until", "corrects",
    "retracts", "data_exposure", "data_categories", "customer_actions", "affected_customers",
    "detected_at", "contained_at", "acknowledge", "security_incident",
)
"""Every key an update may have."""
REPORT_KEYS = (
    "summary", "root_cause", "timeline", "indicators", "attack_techniques", "cves", "cvss",
    "detection", "remediation", "references",
)
INCIDENT_KEYS = ("id", "kind", "updates")
COMPONENT_KEYS = ("id", "name", "description", "group", "start_date")
TEAMS_KEYS = ("namespace", "required_teams", "members", "teams", "revoked_keys")
MEMBER_KEYS = ("name", "keys", "github")
TEXT_KEYS = ("public", "technical", "report", "title")
"""Keys whose content a retraction withdraws (and which may then be deleted)."""


EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The earliest time content may name (the Unix epoch: every output format can write it)."""


_OFFSET_HINT = ("'Z' means UTC: if the time is UTC, write {t}Z; if it is local time, add its offset instead, like "
                "{t}+01:00 for CET (+02:00 for CEST)")
"""Both fixes for a time without offset: 'Z' on a local time would move it by the offset."""


def parse_time(value: Any) -> datetime:
    """Parse an ISO 8601 time with an explicit offset; returns an aware UTC datetime.

    Raises ValueError with a user-facing message.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("time has no UTC offset; " + _OFFSET_HINT.format(t=value.strftime("%Y-%m-%dT%H:%M:%S")))
        return value.astimezone(timezone.utc)
    if not isinstance(value, str):
        raise ValueError(f"expected a time like 2024-07-31T09:05:00Z, got {show_value(value)}")
    m = _TIME_RE.match(value.strip())
    if not m and _DATE_RE.match(value.strip()):
        raise ValueError(f"{value!r} is a date only; write a time and its offset too, like {value.strip()}T09:05:00Z "
                         f"('Z' means UTC) or {value.strip()}T09:05:00+01:00 (local time in CET)")
    if not m:
        raise ValueError(f"expected a time like 2024-07-31T09:05:00Z, got {value!r}")
    year, month, day, hour, minute, second, frac, offset = m.groups()
    if offset is None:
        raise ValueError(f"time {value!r} has no UTC offset; " + _OFFSET_HINT.format(t=value.strip()))
    if frac:
        raise ValueError(f"time {value!r} has fractional seconds; use whole seconds")
    text = f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}"
    if offset in ("Z", "z"):
        text += "+00:00"
    else:
        off = offset.replace(":", "")
        text += off[:3] + ":" + (off[3:] or "00")
    try:
        local = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"invalid time {value!r}: {exc}") from None
    try:
        utc = local.astimezone(timezone.utc)
    except OverflowError:  # the offset moves it before year 1 or after year 9999
        utc = None
    if utc is None or utc < EARLIEST:
        raise ValueError(f"time {value!r} is out of range: in UTC it must lie between 1970-01-01T00:00:00Z and "
                         f"9999-12-31T23:59:59Z; write a real date, like 2024-07-31T09:05:00Z")
    return utc


def format_time(dt: datetime) -> str:
    """UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    dt = dt.astimezone(timezone.utc)  # (%Y would write year 1 as "1", not "0001")
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z"


def normalise_text(value: str) -> str:
    """NFC with ``\\n`` line ends (the digest's normal form)."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


MAX_TEXT_CHARS = 10_000
"""Longest text field (about 1,500 words); longer text makes a build slow for every reader's page."""
MAX_TEXT_BRACKETS = 100
"""Most '[' in one text field: Markdown's link handling costs (number of '[') x (length)."""

SUGGEST_MAX_WORD = 64
"""Longest unknown value that gets a "did you mean" (ids and keys are shorter; a longer one is no typo)."""
SUGGEST_EXACT = 32
"""Up to this many options every one is compared; among more, only the few nearest in sorted
order, read forwards and backwards (a typo keeps the start or the end of a name)."""
SUGGEST_NEAR = 4
"""Neighbours taken on each side, forwards and backwards, among more than SUGGEST_EXACT options."""
SUGGESTIONS_PER_FILE = 20
"""Unknown values in one file that get a "did you mean"; the rest are reported without one."""

_Prepared = tuple[tuple[str, ...], list[tuple[str, int]] | None, list[tuple[str, int]] | None]
_prepared_memo: tuple[Any, int, _Prepared] = (None, 0, ((), None, None))
"""(options object, its length, prepared): the option set of the last call, prepared once."""


def _prepared(options: Any) -> _Prepared:
    """(options in tie order, (option, index) sorted, (reversed option, index) sorted); a set's tie order
    is sorted order. The last option set is kept: callers pass the same set for every value."""
    global _prepared_memo
    if len(options) <= SUGGEST_EXACT:
        return tuple(sorted(options) if isinstance(options, (set, frozenset)) else options), None, None
    memo = _prepared_memo
    if memo[0] is options and memo[1] == len(options):
        return memo[2]
    ordered = tuple(sorted(options) if isinstance(options, (set, frozenset)) else options)
    prepared = (ordered, sorted((o, i) for i, o in enumerate(ordered)),
                sorted((o[::-1], i) for i, o in enumerate(ordered)))
    _prepared_memo = (options, len(options), prepared)
    return prepared


def _near(word: str, ordered: tuple[str, ...], forwards: list[tuple[str, int]],
          backwards: list[tuple[str, int]]) -> list[str]:
    """The options next to ``word`` in sorted order, read forwards and backwards, in tie order."""
    picked: set[int] = set()
    for keys, key in ((forwards, word), (backwards, word[::-1])):
        at = bisect.bisect_left(keys, (key, -1))
        picked.update(i for _, i in keys[max(0, at - SUGGEST_NEAR):at + SUGGEST_NEAR])
    return [ordered[i] for i in sorted(picked)]


def _closest(word: str, options: Any) -> list[str]:
    """The option most like ``word`` (difflib's ratio >= 0.6), as a list of zero or one.

    Unlike ``difflib.get_close_matches``, a tie goes to the option listed first
    (``ip`` suggests ``ipv4``, not ``ipv6``); a set is listed in sorted order.
    Bounded work whatever the content: nothing for a ``word`` longer than
    SUGGEST_MAX_WORD, and among more than SUGGEST_EXACT options only the nearest
    few are compared (the same answer as comparing all for a typo of a name).
    """
    if len(word) > SUGGEST_MAX_WORD:
        return []
    ordered, forwards, backwards = _prepared(options)
    candidates = ordered if forwards is None or backwards is None else _near(word, ordered, forwards, backwards)
    best: list[str] = []
    score = 0.6
    matcher = difflib.SequenceMatcher(None, word)
    for option in candidates:
        matcher.set_seq2(option)
        # the quick ratios are upper bounds of the ratio: skip what cannot win
        for bound in (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio):
            ratio = bound()
            if ratio < score or (ratio == score and best):
                break
        else:
            best, score = [option], ratio
    return best


closest = _closest
"""Public name of :func:`_closest`, for the lint configuration's suggestions."""


def show_value(value: Any) -> str:
    """A value as messages show it: "nothing", "a list", "3 (a number)", or its repr."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value} (a number)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


class _Checker:
    """Collects problems for one document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.suggestions = SUGGESTIONS_PER_FILE

    def error(self, path: Path_, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def closest(self, word: str, options: Any) -> list[str]:
        """:func:`_closest`, for the first SUGGESTIONS_PER_FILE unknown values of the file."""
        self.suggestions -= 1
        return _closest(word, options) if self.suggestions >= 0 else []

    def keys(self, mapping: dict[str, Any], path: Path_, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                close = self.closest(str(key), allowed)
                hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
                self.error(path + (key,), f"unknown key '{key}' in {what}{hint}")

    def mapping(self, value: Any, path: Path_, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"expected {what} (a mapping), got {show_value(value)}")
            return None
        return value

    def seq(self, value: Any, path: Path_, what: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"expected {what} (a list), got {show_value(value)}")
            return None
        return value

    def text(self, value: Any, path: Path_, *, required: bool = False, what: str = "text",
             allow_hidden: bool = False, one_line: bool = False) -> str | None:
        if value is None:
            if required:
                self.error(path, f"required {what} is missing")
            return None
        if not isinstance(value, str):
            self.error(path, f"expected {what}, got {show_value(value)}")
            return None
        if required and not value.strip():
            self.error(path, f"{what} is empty")
            return None
        if not allow_hidden and not self.visible(value, path, what):
            return None
        if not self.bounded(value, path, what):
            return None
        text = normalise_text(value)
        if one_line and "\n" in text.strip():
            self.error(path, f"a {what} is one line, but this one has {text.strip().count(chr(10)) + 1} lines: join them "
                             f"(in YAML, write it on one line or use '>-' to fold lines into one)")
            return None
        return text

    def bounded(self, value: str, path: Path_, what: str) -> bool:
        """Refuse a text too long or with too many '[' for Markdown to render in well under a
        second (Python-Markdown's link handling is quadratic in '[')."""
        if len(value) > MAX_TEXT_CHARS:
            self.error(path, f"{what} is {len(value):,} characters long; the limit is {MAX_TEXT_CHARS:,} "
                             "(shorten it or spread it over several updates)")
            return False
        brackets = value.count("[")
        if brackets > MAX_TEXT_BRACKETS:
            self.error(path, f"{what} has {brackets:,} '[' characters; the limit is {MAX_TEXT_BRACKETS} "
                             "(each link uses one: write fewer links)")
            return False
        return True

    def visible(self, value: str, path: Path_, what: str) -> bool:
        """Refuse control and bidi-override characters: they can make an approver read
        different text from what readers see (and hide words from the lints)."""
        m = HIDDEN_RE.search(value)
        if m is None:
            return True
        ch = m.group(0)
        line = value.count("\n", 0, m.start()) + 1
        self.error(path, f"{what} contains the invisible character U+{ord(ch):04X} ({_hidden_name(ch)}) on its "
                         f"line {line}; remove it: such characters can show an approver different text than readers see")
        return False

    def ident(self, value: Any, path: Path_, what: str) -> str | None:
        if not isinstance(value, str) or not ID_RE.match(value):
            self.error(path, f"{what} must match ^[a-z0-9][a-z0-9-]{{0,79}}$ (lower-case letters, digits, '-'), got {show_value(value)}")
            return None
        return value

    def time(self, value: Any, path: Path_) -> datetime | None:
        try:
            return parse_time(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return None

    def choice(self, value: Any, path: Path_, choices: tuple[str, ...], what: str) -> str | None:
        if not isinstance(value, str):
            self.error(path, f"{what} must be one of: {', '.join(choices)}; got {show_value(value)}")
            return None
        if value not in choices:
            close = self.closest(value, choices)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.error(path, f"{what} {show_value(value)} is not one of: {', '.join(choices)}{hint}")
            return None
        return value

    def strings(self, value: Any, path: Path_, what: str, check: Callable[[str], object] | None = None,
                expected: str = "") -> tuple[str, ...]:
        items = self.seq(value, path, what)
        out = []
        for i, item in enumerate(items or ()):
            if not isinstance(item, str):
                self.error(path + (i,), f"expected text, got {show_value(item)}")
            elif not item.strip():
                self.error(path + (i,), "text is empty")
            elif not self.visible(item, path + (i,), "text"):
                continue
            elif check is not None and not check(item):
                self.error(path + (i,), f"{item!r} is not {expected}")
            else:
                out.append(normalise_text(item))
        return tuple(out)


# --- components.yml ---------------------------------------------------------------

def validate_components(doc: Document) -> tuple[tuple[Component, ...], list[Problem]]:
    """components.yml -> components in display order."""
    c = _Checker(doc)
    top = c.mapping(doc.data, (), "the components file")
    out: list[Component] = []
    if top is None:
        return (), c.problems
    c.keys(top, (), ("components",), "components.yml")
    items = c.seq(top.get("components"), ("components",), "a list of components")
    seen: dict[str, int] = {}
    for i, item in enumerate(items or ()):
        path = ("components", i)
        m = c.mapping(item, path, "a component")
        if m is None:
            continue
        c.keys(m, path, COMPONENT_KEYS, "a component")
        cid = c.ident(m.get("id"), path + ("id",), "component id")
        name = c.text(m.get("name"), path + ("name",), required=True, what="name", one_line=True)
        desc = c.text(m.get("description"), path + ("description",))
        group = c.text(m.get("group"), path + ("group",), what="group", one_line=True)
        start = _start_date(c, m.get("start_date"), path + ("start_date",)) if "start_date" in m else None
        if cid is not None:
            if cid in seen:
                c.error(path + ("id",), f"component '{cid}' is defined twice (first as components[{seen[cid]}])")
                continue
            seen[cid] = i
        if cid and name:
            out.append(Component(cid, name.strip(), desc.strip() if desc else None,
                                 group.strip() if group else None, len(out) + 1, doc.line(path), start))
    return tuple(out), c.problems


def _start_date(c: _Checker, value: Any, path: Path_) -> date | None:
    """A component's ``start_date``: a calendar day, ``YYYY-MM-DD`` (the UTC day its uptime record starts)."""
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            c.error(path, f"{value!r} is not a day of the calendar; write the first day of the component's uptime "
                          "record as YYYY-MM-DD, like start_date: 2026-01-15")
            return None
    if isinstance(value, str) and _DATE_RE.match(value[:10]) and value[10:11] in ("T", " "):
        c.error(path, f"start_date is a day, not a time: write start_date: {value[:10]} (days are UTC)")
        return None
    c.error(path, f"expected a day written YYYY-MM-DD (the first day of the component's uptime record, "
                  f"like start_date: 2026-01-15), got {show_value(value)}")
    return None


# --- teams.yml --------------------------------------------------------------------

def validate_teams(doc: Document) -> tuple[Teams | None, list[Problem]]:
    """teams.yml -> the approval registry."""
    c = _Checker(doc)
    top = c.mapping(doc.data, (), "the teams file")
    if top is None:
        return None, c.problems
    c.keys(top, (), TEAMS_KEYS, "teams.yml")
    ns = c.text(top.get("namespace"), ("namespace",), required=True, what="namespace")
    if ns is not None:
        ns = ns.strip()
        if ns in ("git", "file") or not _NAMESPACE_RE.match(ns):
            c.error(("namespace",), f"namespace {ns!r} is not allowed: use your own, e.g. statuskit-approval@status.example.org (never 'git' or 'file')")
            ns = None
    members: dict[str, Member] = {}
    key_owner: dict[str, str] = {}
    mem = c.mapping(top.get("members"), ("members",), "members")
    for mid, mdef in (mem or {}).items():
        path = ("members", mid)
        if c.ident(mid, path, "member id") is None:
            continue
        m = c.mapping(mdef, path, "a member")
        if m is None:
            continue
        c.keys(m, path, MEMBER_KEYS, "a member")
        name = c.text(m.get("name"), path + ("name",), required=True, what="name", one_line=True)
        keys = _public_keys(c, m.get("keys"), path + ("keys",), "public keys")
        if isinstance(m.get("keys"), list) and not m.get("keys"):
            c.error(path + ("keys",), "a member needs at least one public key")
        for k in keys:
            blob = k.split()[1]
            if blob in key_owner and key_owner[blob] != mid:
                c.error(path + ("keys",), f"this key also belongs to member '{key_owner[blob]}'; one key, one person")
            key_owner[blob] = mid
        github = c.text(m.get("github"), path + ("github",))
        if name:
            members[mid] = Member(mid, name.strip(), keys, github.strip() if github else None)
    teams: dict[str, tuple[str, ...]] = {}
    tdef = c.mapping(top.get("teams"), ("teams",), "teams")
    for tid, tm in (tdef or {}).items():
        path = ("teams", tid)
        if c.ident(tid, path, "team id") is None:
            continue
        ids = c.strings(tm, path, "a list of member ids")
        for i, mid in enumerate(ids):
            if mid not in members and isinstance(mem, dict) and mid not in mem:
                close = c.closest(mid, members)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                c.error(path + (i,), f"unknown member '{mid}' (not under members){hint}")
        teams[tid] = tuple(ids)
    required = c.strings(top.get("required_teams"), ("required_teams",), "a list of team ids")
    if isinstance(top.get("required_teams"), list) and not required:
        c.error(("required_teams",), "at least one team must be required (an empty rule set would approve anything)")
    for i, tid in enumerate(required):
        if tid not in teams:
            c.error(("required_teams", i), f"required team '{tid}' is not defined under teams")
    revoked = _public_keys(c, top["revoked_keys"], ("revoked_keys",), "a list of public keys") if "revoked_keys" in top else ()
    if c.problems or ns is None:
        return None, c.problems
    return Teams(ns, required, FrozenDict(members), FrozenDict(teams), revoked, doc.file), c.problems


def _public_keys(c: _Checker, value: Any, path: Path_, what: str) -> tuple[str, ...]:
    """OpenSSH public key lines, each fully parsed (type, base64 and the key itself)."""
    from ..errors import SignatureError
    from ..ssh.sshsig import public_key_blob  # the one SSH key parser; it imports nothing of the gate

    out = []
    for i, item in enumerate(c.seq(value, path, what) or ()):
        if not isinstance(item, str):
            c.error(path + (i,), f"expected an OpenSSH public key line, got {show_value(item)}")
            continue
        try:
            public_key_blob(item)
        except SignatureError as exc:
            shown = item if len(item) <= 40 else item[:37] + "..."
            reason = exc.message.removeprefix("invalid public key line: ")
            c.error(path + (i,), f"{shown!r} is not a valid OpenSSH public key line: {reason}")
            continue
        out.append(item.strip())
    return tuple(out)


# --- incidents/<id>.yml -----------------------------------------------------------

def validate_incident(
    doc: Document, expected_id: str, components: AbstractSet[str]
) -> tuple[Incident | None, list[Problem]]:
    """One incident or maintenance file -> an Incident."""
    c = _Checker(doc)
    top = c.mapping(doc.data, (), "an incident (with id, kind and updates)")
    if top is None:
        return None, c.problems
    c.keys(top, (), INCIDENT_KEYS, "an incident")
    if top.get("id") is None and ID_RE.match(expected_id):  # say what to write, not the pattern
        iid = None
        c.error(("id",), f"required field 'id' is missing; write id: {expected_id} (the file name without .yml)")
    elif not (isinstance(top.get("id"), str) and ID_RE.match(top["id"])) and ID_RE.match(expected_id):
        iid = None
        c.error(("id",), f"incident id must be the file name without .yml (lower-case letters, digits and '-'): "
                         f"write id: {expected_id}, got {show_value(top.get('id'))}")
    else:
        iid = c.ident(top.get("id"), ("id",), "incident id")
    if iid is not None and iid != expected_id:
        c.error(("id",), f"id '{iid}' does not match the file name; expected '{expected_id}'")
    kind_v = c.choice(top.get("kind"), ("kind",), ("incident", "maintenance"), "kind")
    kind = Kind(kind_v) if kind_v else None
    raw_updates = c.seq(top.get("updates"), ("updates",), "a list of updates")
    if raw_updates is not None and not raw_updates:
        c.error(("updates",), "an incident needs at least one update")
    if kind is None:
        return None, c.problems

    # Which updates are retracted (by any later update): their text may be deleted.
    retracted_by: dict[int, int] = {}
    for i, u in enumerate(raw_updates or ()):
        if isinstance(u, dict) and isinstance(u.get("retracts"), int) and not isinstance(u.get("retracts"), bool):
            retracted_by.setdefault(u["retracts"], i + 1)

    updates: list[Update] = []
    prev_at: datetime | None = None
    for i, raw in enumerate(raw_updates or ()):
        path: Path_ = ("updates", i)
        u = c.mapping(raw, path, "an update")
        if u is None:
            continue
        upd = _validate_update(c, u, path, i + 1, kind, components, i + 1 in retracted_by, updates)
        if upd is None:
            continue
        if prev_at is not None and upd.at < prev_at:
            c.error(path + ("at",), f"update {upd.id} is at {format_time(upd.at)}, before the previous update ({format_time(prev_at)}); times must not decrease")
        prev_at = upd.at
        updates.append(upd)

    # retractions: a retracted update that set the title needs the retraction to set a new one
    retracted_seen: set[int] = set()
    for i, upd in enumerate(updates):
        if upd.retracts is not None:
            path = ("updates", i, "retracts")
            if upd.retracts in retracted_seen:
                c.error(path, f"update {upd.retracts} is already retracted by an earlier update")
            retracted_seen.add(upd.retracts)
            if 1 <= upd.retracts < upd.id and upd.retracts <= len(updates):
                target = updates[upd.retracts - 1]
                if target.retracts is not None:
                    c.error(path, f"update {upd.retracts} is itself a retraction; retracting a retraction is not supported (publish a new update instead)")
                if upd.retracts == 1 or target.title is not None:
                    if upd.title is None:
                        c.error(path, f"update {upd.retracts} set the title, so the retracting update must set a new 'title'")
                # a withdrawn update contributes nothing: what update 1 had to say, its retraction restates
                if upd.retracts == 1:
                    if upd.impact is None:
                        c.error(path, "update 1 set the impact, so the retracting update must set 'impact' again "
                                      "(update 1's is withdrawn with it)")
                    if kind is Kind.MAINTENANCE and upd.scheduled is None:
                        c.error(path, "update 1 set the maintenance window, so the retracting update must set "
                                      "'scheduled' again (update 1's is withdrawn with it)")
    if c.problems or iid is None:
        return None, c.problems
    return Incident(iid, kind, tuple(updates), doc.file), c.problems


def _validate_update(c: _Checker, u: dict[str, Any], path: Path_, expected_id: int, kind: Kind,
                     components: AbstractSet[str], retracted: bool, earlier: list[Update]) -> Update | None:
    n_before = len(c.problems)
    c.keys(u, path, UPDATE_KEYS, "an update")
    canonical: dict[str, Any] = {}

    uid = u.get("id")
    if not isinstance(uid, int) or isinstance(uid, bool) or uid != expected_id:
        c.error(path + ("id",), f"expected update id {expected_id} (ids are 1, 2, 3, ... in file order, no gaps), got {show_value(uid)}")
    first = expected_id == 1

    def time_field(key: str, required: bool = False) -> datetime | None:
        if key not in u:
            if required:
                c.error(path + (key,), f"required field '{key}' is missing")
            return None
        t = c.time(u[key], path + (key,))
        if t is not None:
            canonical[key] = format_time(t)
        return t

    def text_field(key: str, required: bool = False, what: str = "text", one_line: bool = False) -> str | None:
        if key not in u:
            if required:
                c.error(path + (key,), f"required field '{key}' is missing")
            return None
        t = c.text(u[key], path + (key,), required=True, what=what, one_line=one_line)
        if t is not None:
            canonical[key] = t
        return t

    at = time_field("at", required=True)
    statuses = INCIDENT_STATUSES if kind is Kind.INCIDENT else MAINTENANCE_STATUSES
    status = None
    if "status" not in u:
        c.error(path + ("status",), "required field 'status' is missing")
    else:
        status = c.choice(u["status"], path + ("status",), statuses, f"{kind.value} status")
        if status:
            canonical["status"] = status

    if first and not retracted and "title" not in u:
        c.error(path + ("title",), "required field 'title' is missing on the first update")
    title = text_field("title", what="title", one_line=True)
    if title is not None:
        title = title.strip()
    impact = None
    impacts = INCIDENT_IMPACTS if kind is Kind.INCIDENT else ("maintenance",)
    if "impact" in u:
        impact = c.choice(u["impact"], path + ("impact",), impacts, f"{kind.value} impact")
        if impact:
            canonical["impact"] = impact
    elif first:
        c.error(path + ("impact",), f"required field 'impact' is missing on the first update (one of: {', '.join(impacts)})")

    comps: dict[str, ComponentStatus] = {}
    if "components" in u:
        m = c.mapping(u["components"], path + ("components",), "component statuses (component id: status)")
        if m is not None:
            canonical["components"] = {}
            for cid, st in m.items():
                cpath = path + ("components", cid)
                if cid not in components:
                    close = c.closest(str(cid), components)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    c.error(cpath, f"unknown component '{cid}' (not in components.yml){hint}")
                    continue
                sv = c.choice(st, cpath, tuple(s.value for s in ComponentStatus), "component status")
                if sv:
                    comps[cid] = ComponentStatus(sv)
                    canonical["components"][cid] = sv

    scheduled = None
    if "scheduled" in u:
        spath = path + ("scheduled",)
        if kind is not Kind.MAINTENANCE:
            c.error(spath, "'scheduled' is only for maintenance (kind: maintenance)")
        m = c.mapping(u["scheduled"], spath, "a window {from: TIME, until: TIME}")
        if m is not None:
            c.keys(m, spath, ("from", "until"), "a maintenance window")
            start = c.time(m.get("from"), spath + ("from",)) if "from" in m else None
            end = c.time(m.get("until"), spath + ("until",)) if "until" in m else None
            if "from" not in m:
                c.error(spath + ("from",), "required field 'from' is missing")
            if "until" not in m:
                c.error(spath + ("until",), "required field 'until' is missing")
            if start and end:
                if end <= start:
                    c.error(spath + ("until",), f"the window must end after it starts: until {format_time(end)} is not after from {format_time(start)}")
                else:
                    scheduled = Window(start, end)
                canonical["scheduled"] = {"from": format_time(start), "until": format_time(end)}
    elif first and kind is Kind.MAINTENANCE:
        c.error(path + ("scheduled",), "a maintenance's first update needs 'scheduled: {from: TIME, until: TIME}'")

    next_at = time_field("next_update_at")
    if next_at and at and next_at < at:
        c.error(path + ("next_update_at",), f"next update time {format_time(next_at)} is before this update ({format_time(at)})")

    public = text_field("public", what="public text")
    technical = text_field("technical", what="technical text")
    report = None
    if "report" in u:
        report = _validate_report(c, u["report"], path + ("report",), canonical)
    if public is None and "public" not in u and not retracted:
        if first:
            c.error(path + ("public",), "required field 'public' is missing (the first update must say something to customers)")
        elif technical is None and report is None:
            c.error(path + ("public",), "required field 'public' is missing (an update needs public text, or technical text or a report if it is technical-only)")

    embargo = time_field("embargo_until")
    tembargo = time_field("technical_embargo_until")

    refs: dict[str, int | None] = {}
    for key in ("corrects", "retracts"):
        if key in u:
            v = u[key]
            if not isinstance(v, int) or isinstance(v, bool) or not (1 <= v < expected_id):
                which = {1: "there is none before update 1", 2: "only update 1 is"}.get(
                    expected_id, f"updates 1..{expected_id - 1} are")
                c.error(path + (key,), f"'{key}' must name an earlier update ({which}), got {show_value(v)}")
                refs[key] = None
            else:
                refs[key] = v
                canonical[key] = v

    facts = _validate_facts(c, u, path, canonical)
    ack: tuple[str, ...] = ()
    if "acknowledge" in u:
        ack = c.strings(u["acknowledge"], path + ("acknowledge",), "a list of lint rule ids",
                        lambda s: bool(_RULE_ID_RE.match(s)), "a rule id like 'public-technical-detail'")
        canonical["acknowledge"] = list(ack)
    if isinstance(uid, int) and not isinstance(uid, bool):
        canonical["id"] = uid

    if len(c.problems) > n_before or at is None or status is None:
        return None
    field_lines = {k: c.doc.lines.get(path + (k,)) for k in u}
    return Update(
        id=expected_id, at=at, status=status, title=title, impact=impact,
        components=FrozenDict(comps), scheduled=scheduled, next_update_at=next_at,
        public=public, technical=technical, report=report, embargo_until=embargo,
        technical_embargo_until=tembargo, corrects=refs.get("corrects"), retracts=refs.get("retracts"),
        facts=facts, acknowledge=ack, canonical=FrozenDict(canonical),
        line=c.doc.line(path), field_lines=FrozenDict(field_lines),
    )


def _validate_report(c: _Checker, value: Any, path: Path_, canonical: dict[str, Any]) -> Report | None:
    m = c.mapping(value, path, "a technical report")
    if m is None:
        return None
    c.keys(m, path, REPORT_KEYS, "a report")
    out: dict[str, Any] = {}
    canon: dict[str, Any] = {}
    for key in ("summary", "root_cause", "detection", "remediation"):
        if key in m:
            t = c.text(m[key], path + (key,), required=True, what=key.replace("_", " "))
            out[key] = t
            if t is not None:
                canon[key] = t
    if "timeline" in m:
        entries = []
        canon_tl = []
        for i, e in enumerate(c.seq(m["timeline"], path + ("timeline",), "a timeline") or ()):
            epath = path + ("timeline", i)
            em = c.mapping(e, epath, "a timeline entry {at: TIME, event: TEXT}")
            if em is None:
                continue
            c.keys(em, epath, ("at", "event"), "a timeline entry")
            at = c.time(em.get("at"), epath + ("at",)) if "at" in em else None
            if "at" not in em:
                c.error(epath + ("at",), "required field 'at' is missing")
            ev = c.text(em.get("event"), epath + ("event",), required=True, what="event")
            if at and ev:
                entries.append(TimelineEntry(at, ev))
                canon_tl.append({"at": format_time(at), "event": ev})
        out["timeline"] = tuple(entries)
        canon["timeline"] = canon_tl
    if "indicators" in m:
        inds = []
        canon_ind = []
        for i, e in enumerate(c.seq(m["indicators"], path + ("indicators",), "a list of indicators") or ()):
            ipath = path + ("indicators", i)
            em = c.mapping(e, ipath, "an indicator {type, value, context}")
            if em is None:
                continue
            c.keys(em, ipath, ("type", "value", "context"), "an indicator")
            if "type" not in em:
                c.error(ipath + ("type",), f"required field 'type' is missing (one of: {', '.join(INDICATOR_TYPES)})")
                typ = None
            else:
                typ = c.choice(em.get("type"), ipath + ("type",), INDICATOR_TYPES, "indicator type")
            # an indicator may really contain a control character (e.g. a right-to-left
            # override in a malicious file name); renderers show such characters as <U+XXXX>
            val = c.text(em.get("value"), ipath + ("value",), required=True, what="indicator value",
                         allow_hidden=True)
            ctx = c.text(em.get("context"), ipath + ("context",)) if "context" in em else None
            if typ and val:
                val = val.strip()
                inds.append(Indicator(typ, val, ctx))
                d = {"type": typ, "value": val}
                if ctx is not None:
                    d["context"] = ctx
                canon_ind.append(d)
        out["indicators"] = tuple(inds)
        canon["indicators"] = canon_ind
    if "attack_techniques" in m:
        out["attack_techniques"] = c.strings(m["attack_techniques"], path + ("attack_techniques",),
                                             "a list of ATT&CK technique ids", ATTACK_RE.match,
                                             "an ATT&CK technique id like T1486 or T1566.001")
        canon["attack_techniques"] = list(out["attack_techniques"])
    if "cves" in m:
        out["cves"] = c.strings(m["cves"], path + ("cves",), "a list of CVE ids", CVE_RE.match,
                                "a CVE id like CVE-2024-3400")
        canon["cves"] = list(out["cves"])
    if "cvss" in m:
        scores = _validate_cvss(c, m["cvss"], path + ("cvss",), out.get("cves", ()))
        out["cvss"] = scores
        canon["cvss"] = [{"cve": s.cve, "vector": s.vector, "product": s.product, **({"cpe": s.cpe} if s.cpe else {})}
                         for s in scores]
    if "references" in m:
        out["references"] = c.strings(m["references"], path + ("references",), "a list of URLs", _URL_RE.match,
                                      "an http(s) URL")
        canon["references"] = list(out["references"])
    canonical["report"] = canon
    return Report(**out)


CVSS_KEYS = ("cve", "vector", "product", "cpe")
CPE_RE = re.compile(
    r'''^((cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,\/:;<=>@\[\]\^`\{\|\}~]))+(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,\/:;<=>@\[\]\^`\{\|\}~]))+(\?*|\*?))|[\*\-])){4})|([c][pP][eE]:\/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6}))\Z''', re.ASCII)
"""The CPE 2.3 (or 2.2 URI) pattern of the CSAF 2.0 JSON schema (``product_identification_helper.cpe``)."""


def _validate_cvss(c: _Checker, value: Any, path: Path_, cves: tuple[str, ...]) -> tuple[CvssScore, ...]:
    """``report.cvss``: ``[{cve, vector, product}]``, each CVE listed in ``cves`` and scored once; the
    vector is read by the ``cvss`` library (CVSS 3.0 or 3.1), so a vector it cannot score is an error."""
    from cvss import CVSS3
    from cvss.exceptions import CVSSError

    out: list[CvssScore] = []
    seen: set[str] = set()
    for i, e in enumerate(c.seq(value, path, "a list of CVSS scores") or ()):
        epath = path + (i,)
        em = c.mapping(e, epath, "a CVSS score {cve, vector, product}")
        if em is None:
            continue
        c.keys(em, epath, CVSS_KEYS, "a CVSS score")
        cve = em.get("cve")
        if not isinstance(cve, str) or not CVE_RE.match(cve):
            c.error(epath + ("cve",), f"expected a CVE id like CVE-2024-3400, got {show_value(cve)}")
            cve = None
        elif cve not in cves:
            c.error(epath + ("cve",), f"{cve} is not in this report's cves; add it to cves: or remove its score")
            cve = None
        elif cve in seen:
            c.error(epath + ("cve",), f"{cve} is scored twice; give each CVE one vector")
            cve = None
        vector = em.get("vector")
        if not isinstance(vector, str) or not vector.startswith(("CVSS:3.0/", "CVSS:3.1/")):
            c.error(epath + ("vector",), f"expected a CVSS 3.0 or 3.1 vector like "
                                         f"\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", got {show_value(vector)}")
            vector = None
        else:
            try:
                CVSS3(vector)
            except CVSSError as exc:
                c.error(epath + ("vector",), f"{vector!r} is not a valid CVSS vector ({exc}); copy the vector "
                                             "string from the CVE's record (e.g. NVD)")
                vector = None
        product = c.text(em.get("product"), epath + ("product",), required=True, what="product", one_line=True)
        cpe = em.get("cpe")
        if cpe is not None and (not isinstance(cpe, str) or len(cpe) < 5 or not CPE_RE.match(cpe)):
            c.error(epath + ("cpe",), f"expected a CPE name like cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:*:*:*:*:*:*:*, "
                                      f"got {show_value(cpe)}")
            cpe = None
        if cve and vector and product:
            seen.add(cve)
            out.append(CvssScore(cve, vector, product.strip(), cpe))
    return tuple(out)


def _validate_facts(c: _Checker, u: dict[str, Any], path: Path_, canonical: dict[str, Any]) -> Facts:
    out: dict[str, Any] = {}
    if "data_exposure" in u:
        v = c.choice(u["data_exposure"], path + ("data_exposure",), DATA_EXPOSURE, "data_exposure")
        if v:
            out["data_exposure"] = canonical["data_exposure"] = v
    if "data_categories" in u:
        out["data_categories"] = c.strings(u["data_categories"], path + ("data_categories",), "a list of data categories")
        canonical["data_categories"] = list(out["data_categories"])
    if "customer_actions" in u:
        acts = []
        canon = []
        seen: set[str] = set()
        for i, a in enumerate(c.seq(u["customer_actions"], path + ("customer_actions",), "a list of customer actions") or ()):
            apath = path + ("customer_actions", i)
            m = c.mapping(a, apath, "a customer action {id, text}")
            if m is None:
                continue
            c.keys(m, apath, ("id", "text"), "a customer action")
            aid = c.ident(m.get("id"), apath + ("id",), "action id")
            text = c.text(m.get("text"), apath + ("text",), required=True, what="action text")
            if aid in seen:
                c.error(apath + ("id",), f"customer action '{aid}' is listed twice")
            if aid and text:
                seen.add(aid)
                acts.append(CustomerAction(aid, text.strip()))
                canon.append({"id": aid, "text": text})
        out["customer_actions"] = tuple(acts)
        canonical["customer_actions"] = canon
    if "affected_customers" in u:
        t = c.text(u["affected_customers"], path + ("affected_customers",), required=True, what="affected customers")
        if t is not None:
            out["affected_customers"] = t.strip()
            canonical["affected_customers"] = t
    for key in ("detected_at", "contained_at"):
        if key in u:
            when = c.time(u[key], path + (key,))
            if when is not None:
                out[key] = when
                canonical[key] = format_time(when)
    if "security_incident" in u:
        flag = u["security_incident"]
        if isinstance(flag, bool):
            out["security_incident"] = canonical["security_incident"] = flag
        else:
            c.error(path + ("security_incident",), f"expected true or false (is this a security incident?), "
                                                   f"got {show_value(flag)}")
    if out.get("detected_at") and out.get("contained_at") and out["contained_at"] < out["detected_at"]:
        c.error(path + ("contained_at",), f"contained at {format_time(out['contained_at'])}, before it was detected "
                                         f"({format_time(out['detected_at'])})")
    return Facts(**out)
