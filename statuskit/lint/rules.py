"""The alignment lints, per incident: each finding is a Problem with a stable rule id.

Which text each rule reads:

- the *public* rules read what customers see: the ``title``, the ``public`` text,
  ``affected_customers`` and each customer action's text (and, for technical detail,
  ``data_categories``);
- ``customer-action-parity`` reads the ``public`` and ``technical`` text;
- the ``report-*`` rules read the update's own ``report``.

An update retracted by a later update in the file is not linted: its text is withdrawn.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from ..errors import Problem, Severity
from ..model.fold import State, fold
from ..model.records import CLOSED_STATUSES, Incident, Kind, Report, Update
from ..model.validate import format_time
from .config import RULES, LintConfig
from .text import EXACT_WORDS, clause_before, line_of, normalise, quote, sentence_around, sentences, stem

# --- technical detail: indicator shapes ------------------------------------------------

_DOT = r"(?:\.|\[\.\]|\(\.\)|\[dot\])"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"(?:{_LABEL}{_DOT})+[a-z][a-z0-9-]{{1,62}}"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
SHAPES = {
    "url": r"(?:[Hh][Tt][Tt][Pp][Ss]?|[Hh][Xx][Xx][Pp][Ss]?|[Ff][Tt][Pp])(?:://|\[://\]|\[:\]//)(?:[^\s<>()\[\]\"'`]|\[\.\])+",
    "email": rf"[A-Za-z0-9._%+-]+(?:@|\[@\]|\[at\]){_HOST}",
    "ipv4": rf"(?<![\w.]){_OCTET}(?:{_DOT}{_OCTET}){{3}}(?!\w|\.\d|\[\.\])",
    "ipv6": r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])",
    "hash": r"(?<![\w])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?![\w])",
    "cve": r"\b[Cc][Vv][Ee]-\d{4}-\d{4,}\b",
    "attack": r"\bT(?:A\d{4}|\d{4}(?:\.\d{3})?)\b",
    "domain": rf"(?<![\w.@/-]){_HOST}(?![\w-]|{_DOT}[A-Za-z0-9])",
}
_SHAPE_RE = {k: re.compile(v) for k, v in SHAPES.items()}
_CLASSES = str.maketrans({**{c: "a" for c in string.ascii_letters}, **{c: "0" for c in string.digits}})
_HEX = str.maketrans({c: "x" for c in string.hexdigits})
_DIGITS = tuple(string.digits)


def _shapes_to_scan(text: str) -> list[str]:
    """The shapes ``text`` may contain, by cheap substring tests (each regex scan is costly)."""
    cls = text.translate(_CLASSES)
    lower = text.lower()
    out = []
    if "//" in text:
        out.append("url")
    if "@" in text or "[at]" in lower:
        out.append("email")
    if "0.0" in cls or "0[.]0" in cls:
        out.append("ipv4")
    if "::" in text or text.count(":") >= 7:
        out.append("ipv6")
    if "x" * 32 in text.translate(_HEX):
        out.append("hash")
    if "cve-" in lower:
        out.append("cve")
    if "T" in text and any("T" + d in text for d in _DIGITS):
        out.append("attack")
    if "a.a" in cls or "0.a" in cls or "[.]" in text or "(.)" in text or "[dot]" in lower:
        out.append("domain")
    return out
_SHAPE_NAMES = {
    "url": "a URL", "email": "an email address", "ipv4": "an IPv4 address", "ipv6": "an IPv6 address",
    "hash": "a file hash", "cve": "a CVE id", "attack": "an ATT&CK technique id", "domain": "a domain",
}
_HASH_NAMES = {32: "md5", 40: "sha1", 64: "sha256"}


def _refang(value: str) -> str:
    v = value.lower().replace("[.]", ".").replace("(.)", ".").replace("[dot]", ".").replace("[:]", ":")
    v = v.replace("[://]", "://").replace("[@]", "@").replace("[at]", "@")
    return re.sub(r"^hxxp", "http", v)


def _host_of_url(url: str) -> str:
    rest = _refang(url).split("://", 1)[-1]
    return re.split(r"[/:?#]", rest, maxsplit=1)[0]


def _shape_of(value: str, config: LintConfig) -> str | None:
    """What an indicator value is, when the whole value has one of the known shapes."""
    v = value.strip()
    for kind in ("url", "email", "ipv4", "ipv6", "hash", "domain"):
        if _SHAPE_RE[kind].fullmatch(v) and _shape_ok(kind, v, config):
            return kind
    return None


def _shape_ok(kind: str, value: str, config: LintConfig) -> bool:
    if kind == "ipv6":
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            return False
        return len(value) >= 3 and any(c.isalnum() for c in value)
    if kind == "domain":
        return _refang(value).rsplit(".", 1)[-1] in config.tlds
    if kind == "email":
        return _refang(value).rsplit(".", 1)[-1] in config.tlds
    return True


def _allowed(host: str, config: LintConfig) -> bool:
    return any(host == d or host.endswith("." + d) for d in config.allowed_domains)


# --- per-update context ------------------------------------------------------------------

@dataclass
class _Field:
    """A text field: where it is and what it says."""

    key: str
    """Top-level key of the update (for its line)."""
    field: str
    """Field path for messages."""
    text: str
    line: int | None
    """Line of the key."""

    def line_at(self, pos: int) -> int | None:
        return line_of(self.text, pos, self.line)


@dataclass
class _Ctx:
    inc: Incident
    index: int
    u: Update
    state: State
    exposure_from: int | None
    """The update that set the folded data_exposure."""
    config: LintConfig
    out: list[Problem]

    def report(self, rule: str, line: int | None, field: str | None, message: str) -> bool:
        """Add a finding unless the rule is off or acknowledged; True when it counts."""
        severity = self.config.severity.get(rule)
        if severity is None or rule in self.u.acknowledge:
            return False
        self.out.append(Problem(self.inc.file, line, field, message, severity, rule))
        return True

    def on(self, rule: str) -> bool:
        return self.config.severity.get(rule) is not None and rule not in self.u.acknowledge

    def path(self, *parts: str) -> str:
        return f"updates[{self.index}]" + "".join(f".{p}" for p in parts)


def lint_incident(inc: Incident, config: LintConfig) -> list[tuple[int, Problem]]:
    """Every finding for ``inc`` as (update id, problem)."""
    retracted = {u.retracts for u in inc.updates if u.retracts is not None}
    states = fold(inc.updates, retracted)
    literals = _indicator_literals(inc)
    out: list[tuple[int, Problem]] = []
    exposure_from: int | None = None
    security_from: int | None = None
    for i, (u, state) in enumerate(zip(inc.updates, states)):
        problems: list[Problem] = []
        ctx = _Ctx(inc, i, u, state, exposure_from, config, problems)
        _check_acknowledge(ctx)
        if u.id in retracted:
            out += [(u.id, p) for p in problems]
            continue
        if u.facts.data_exposure is not None:
            exposure_from = ctx.exposure_from = u.id
        became_security = False
        if security_from is None and _is_security(u):
            security_from, became_security = u.id, True
        public = list(_public_fields(ctx))
        for f in public:
            if f.key not in ("data_categories",):
                _check_phrases(ctx, f)
            _check_technical_detail(ctx, f, literals)
        _check_parity(ctx)
        _check_cadence(ctx, states, security_from is not None and (became_security or u.title is not None))
        if u.report is not None:
            _check_report(ctx, u.report)
        out += [(u.id, p) for p in problems]
    return out


def _is_security(u: Update) -> bool:
    f = u.facts
    return bool(u.technical or u.report is not None or f.data_exposure in ("under_investigation", "confirmed")
                or f.data_categories)


def _check_acknowledge(ctx: _Ctx) -> None:
    for rule in ctx.u.acknowledge:
        if rule not in RULES:
            close = difflib.get_close_matches(rule, list(RULES), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known rules: {', '.join(RULES)}"
            ctx.out.append(Problem(ctx.inc.file, ctx.u.field_lines.get("acknowledge", ctx.u.line),
                                   ctx.path("acknowledge"), f"unknown lint rule '{rule}'{hint}",
                                   Severity.ERROR, "acknowledge-unknown"))


def _public_fields(ctx: _Ctx) -> Iterator[_Field]:
    u, lines = ctx.u, ctx.u.field_lines
    if u.title:
        yield _Field("title", ctx.path("title"), u.title, lines.get("title"))
    if u.public:
        yield _Field("public", ctx.path("public"), u.public, lines.get("public"))
    if u.facts.affected_customers:
        yield _Field("affected_customers", ctx.path("affected_customers"), u.facts.affected_customers,
                     lines.get("affected_customers"))
    for j, action in enumerate(u.facts.customer_actions or ()):
        yield _Field("customer_actions", ctx.path(f"customer_actions[{j}]", "text"), action.text,
                     lines.get("customer_actions"))
    for j, cat in enumerate(u.facts.data_categories or ()):
        yield _Field("data_categories", ctx.path(f"data_categories[{j}]"), cat, lines.get("data_categories"))


# --- public-over-promise, public-contradicts-facts, public-empty-reassurance ----------------

_PHRASE_ORDER = ("no-evidence", "no-impact", "resolved-claim", "resolution-time", "complete-resolution",
                 "guarantee", "empty-reassurance")


def _phrase_matches(ctx: _Ctx, text: str) -> Iterator[tuple[str, re.Match]]:
    """(list name, match) for each phrase found and not cancelled by its context."""
    book = ctx.config.compiled.phrases
    found = book.finditer(text, _PHRASE_ORDER)
    evidence: list[tuple[int, int]] = []
    for name in _PHRASE_ORDER:
        for m in found[name]:
            if name == "no-impact" and any(m.start() < e and s < m.end() for s, e in evidence):
                continue  # "no evidence that data was accessed" is not also "no data ... accessed"
            if book.search("cancel-before", clause_before(text, m.start())):
                continue
            sentence = sentence_around(text, m.start(), m.end())
            if sentence.rstrip(" \"')*_").endswith("?"):
                continue  # a question ("Is my data safe?") claims nothing
            if name == "resolution-time" and book.search("cadence-context", sentence):
                continue
            if name == "no-evidence":
                evidence.append((m.start(), m.end()))
            yield name, m


def _check_phrases(ctx: _Ctx, f: _Field) -> None:
    if not (ctx.on("public-over-promise") or ctx.on("public-contradicts-facts") or ctx.on("public-empty-reassurance")):
        return
    text = normalise(f.text)
    is_incident = ctx.inc.kind is Kind.INCIDENT
    status = ctx.state.status
    open_ = status not in CLOSED_STATUSES
    exposure = ctx.state.facts.data_exposure
    set_in = f" (set in update {ctx.exposure_from})" if ctx.exposure_from else ""
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    for name, m in _phrase_matches(ctx, text):
        said = quote(f.text[m.start():m.end()])
        if said.lower() in seen or any(m.start() < e and s < m.end() for s, e in spans):
            continue  # one finding per phrase: "fully resolved" while open is a contradiction, not also a promise
        if _judge_phrase(ctx, f, name, said, is_incident, status, open_, exposure, set_in, f.line_at(m.start())):
            seen.add(said.lower())
            spans.append((m.start(), m.end()))


def _judge_phrase(ctx: _Ctx, f: _Field, name: str, said: str, is_incident: bool, status: str, open_: bool,
                  exposure: str | None, set_in: str, line: int | None) -> bool:
    """Report the phrase under the rule the facts call for; True when something was reported."""
    where = "public text" if f.key == "public" else f.key.replace("_", " ")
    rule = message = None
    if name == "resolution-time" and is_incident and open_:
        rule = "public-over-promise"
        message = (f"{where} promises when the problem will be fixed (\"{said}\") while the incident is {status}; "
                   f"say what is being done and when the next update comes instead")
    elif name == "complete-resolution" and is_incident and (open_ or exposure == "under_investigation"):
        why = f"the incident is {status}" if open_ else "data exposure is still under investigation"
        rule, message = "public-over-promise", f"{where} claims a complete fix (\"{said}\") while {why}"
    elif name == "guarantee":
        rule = "public-over-promise"
        message = f"{where} makes a guarantee (\"{said}\") that nobody can keep; say what you know and what you did"
    elif name == "no-impact" and exposure in ("under_investigation", "confirmed"):
        rule = "public-contradicts-facts"
        message = f"{where} says no data was affected (\"{said}\"), but data_exposure is {exposure}{set_in}"
    elif name == "no-impact" and exposure is None:
        rule = "public-over-promise"
        message = (f"{where} says no data was affected or at risk (\"{said}\"), but the shared facts do not back "
                   f"it: set data_exposure: none once that is established")
    elif name == "no-evidence" and exposure == "confirmed":
        rule = "public-contradicts-facts"
        message = (f"{where} says there is no evidence of data access (\"{said}\"), but data_exposure is "
                   f"confirmed{set_in}")
    elif name == "resolved-claim" and is_incident and status not in ("resolved", "postmortem"):
        rule = "public-contradicts-facts"
        message = f"{where} says the problem is resolved (\"{said}\"), but this update's status is {status}"
    elif name == "empty-reassurance":
        rule = "public-empty-reassurance"
        message = (f"{where} uses an empty reassurance (\"{said}\"); say what happened and what readers should "
                   f"do instead")
    return rule is not None and ctx.report(rule, line, f.field, message)


# --- public-technical-detail ------------------------------------------------------------

def _indicator_literals(inc: Incident) -> re.Pattern[str] | None:
    """One regex for every indicator value in the incident's reports (defanged forms too)."""
    values: dict[str, None] = {}
    for u in inc.updates:
        for ind in (u.report.indicators if u.report else ()):
            v = ind.value.strip()
            if len(v) >= 4:
                values[v.lower()] = None
    if not values:
        return None
    parts = sorted((re.escape(v).replace(r"\.", _DOT) for v in values), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def _check_technical_detail(ctx: _Ctx, f: _Field, literals: re.Pattern[str] | None) -> None:
    if not ctx.on("public-technical-detail"):
        return
    text = f.text
    where = "public text" if f.key == "public" else f.key.replace("_", " ")
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()

    def report(pos: int, what: str, value: str) -> None:
        key = f"{what}:{value.lower()}"
        if key in seen:
            return
        seen.add(key)
        ctx.report("public-technical-detail", f.line_at(pos), f.field,
                   f"{where} contains {what} ({quote(value, 90)}); technical detail belongs on the technical "
                   f"page, after the security team has validated it")

    if literals is not None:
        for m in literals.finditer(text):
            spans.append((m.start(), m.end()))
            report(m.start(), "an indicator from the incident's report", m.group(0))
    matches = [(kind, m) for kind in _shapes_to_scan(text) for m in _SHAPE_RE[kind].finditer(text)]
    for kind, m in matches:  # in SHAPES order: a URL's host is not also a domain
        if any(m.start() < e and s < m.end() for s, e in spans):
            continue
        spans.append((m.start(), m.end()))
        value = m.group(0).rstrip(".,;:")
        if not _shape_ok(kind, value, ctx.config):
            continue
        if kind == "url":
            host = _host_of_url(value)
            if _allowed(host, ctx.config):
                continue
        elif kind == "email":
            if _allowed(_refang(value).split("@")[-1], ctx.config):
                continue
        elif kind == "domain" and _allowed(_refang(value), ctx.config):
            continue
        what = _SHAPE_NAMES[kind]
        if kind == "hash":
            what = f"a file hash ({_HASH_NAMES[len(value)]})"
        report(m.start(), what, value)


# --- customer-action-parity -------------------------------------------------------------

_NEGATION_RE = re.compile(r"(?<![\w'])(?:not|no|never|cannot|none|nothing|[\w]+n't)(?![\w'])", re.IGNORECASE)
_PARITY_STOP = EXACT_WORDS | frozenset("also just only please then so very".split())
PARITY_MIN_WORDS = 4
"""An action sentence needs this many content words to be compared."""
PARITY_OVERLAP = 0.7
"""Share of an action sentence's content words that make a track sentence a paraphrase of it."""


def _canon(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", normalise(text).lower()))


_NEGATION_WORDS = frozenset({"not", "no", "never", "cannot", "none", "nothing"})


_PARITY_SPLIT = str.maketrans({**{c: " " for c in string.punctuation.replace("'", "") + "\u201c\u201d\u2013\u2014"},
                               "\u2019": "'", "\u2018": "'"})
_CONTENT_STEM: dict[str, str] = {}
"""word -> its stem, or "" for a stop word or negation (words repeat across texts)."""


def _content_words(text: str) -> set[str]:
    """The stems of the words of ``text`` that carry meaning (no stop words, no negations)."""
    out = set()
    cache = _CONTENT_STEM
    for w in text.lower().translate(_PARITY_SPLIT).split():
        s = cache.get(w)
        if s is None:
            bare = w.strip("'")
            s = "" if (len(bare) < 2 or bare in _PARITY_STOP or bare in _NEGATION_WORDS or bare.endswith("n't")) \
                else stem(bare)
            if len(cache) < 200_000:
                cache[w] = s
        if s:
            out.add(s)
    return out


def _negated_quote(text: str, piece: str) -> tuple[int, int] | None:
    """The clause where ``text`` quotes ``piece`` after a negation ("you do not need to <action>"), if any."""
    if _NEGATION_RE.search(normalise(piece)):
        return None
    words = re.findall(r"[\w']+", normalise(piece))
    pattern = re.compile(r"(?<![\w'])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![\w'])", re.IGNORECASE)
    norm = normalise(text)
    for m in pattern.finditer(norm):
        before = clause_before(norm, m.start())
        if _NEGATION_RE.search(before):
            return m.start() - len(before), m.end()
    return None


def _check_parity(ctx: _Ctx) -> None:
    """Each track either quotes a customer action exactly or leaves it to the action list.

    Both pages render the action list from the shared facts, so neither text has to
    repeat it; but a text that *paraphrases* an action (most of its words, not its
    exact wording) tells the two audiences two different things, and one whose
    paraphrase flips a negation contradicts it.
    """
    actions = ctx.state.facts.customer_actions or ()
    if not actions or not ctx.on("customer-action-parity"):
        return
    tracks = [("public", ctx.u.public), ("technical", ctx.u.technical)]
    for key, text in tracks:
        if not text:
            continue
        canon_text = _canon(text)
        all_words = _content_words(text)
        track_sentences: list[tuple[int, int, set[str]]] | None = None
        reported: set[str] = set()
        for action in actions:
            if action.id in reported:
                continue
            for s_start, s_end in sentences(action.text):
                piece = action.text[s_start:s_end]
                words = _content_words(piece)
                if len(words) < PARITY_MIN_WORDS or len(words & all_words) < PARITY_OVERLAP * len(words):
                    continue  # too short to compare, or the text does not come near it
                if track_sentences is None:
                    track_sentences = [(s, e, _content_words(text[s:e])) for s, e in sentences(text)]
                if _canon(piece) in canon_text:
                    negated = _negated_quote(text, piece)
                    if negated is not None:
                        ctx.report("customer-action-parity", line_of(text, negated[0], ctx.u.field_lines.get(key)),
                                   ctx.path(key), f"{key} text contradicts customer action '{action.id}': it negates "
                                   f"the action where it quotes it (\"{quote(text[negated[0]:negated[1]])}\")")
                        reported.add(action.id)
                        break
                    continue
                best = max(track_sentences, key=lambda t: len(words & t[2]), default=None)
                if best is None or len(words & best[2]) < PARITY_OVERLAP * len(words):
                    continue
                said = text[best[0]:best[1]]
                line = line_of(text, best[0], ctx.u.field_lines.get(key))
                if bool(_NEGATION_RE.search(normalise(said))) != bool(_NEGATION_RE.search(normalise(piece))):
                    msg = (f"{key} text contradicts customer action '{action.id}': \"{quote(said)}\" against "
                           f"\"{quote(piece)}\"")
                else:
                    msg = (f"{key} text paraphrases customer action '{action.id}' (\"{quote(said)}\"); both pages "
                           f"show the action's own words, so quote it exactly or leave it to the action list")
                ctx.report("customer-action-parity", line, ctx.path(key), msg)
                reported.add(action.id)
                break


# --- cadence ---------------------------------------------------------------------------

def _check_cadence(ctx: _Ctx, states: list[State], title_moment: bool) -> None:
    u, inc = ctx.u, ctx.inc
    if inc.kind is not Kind.INCIDENT:
        return
    if u.public and u.status not in CLOSED_STATUSES and u.next_update_at is None:
        ctx.report("cadence-next-update", u.line, ctx.path(),
                   f"update {u.id} of an open incident ({u.status}) has public text but no next_update_at; "
                   f"tell readers when to expect the next update")
    if title_moment and not ctx.config.compiled.date.search(ctx.state.title):
        started = ctx.state.facts.detected_at or inc.updates[0].at
        example = f"{started.day} {started:%B %Y}"
        line = u.field_lines.get("title", u.line)
        field = ctx.path("title") if u.title is not None else ctx.path()
        ctx.report("cadence-title-date", line, field,
                   f"the title of this security incident has no date (\"{quote(ctx.state.title)}\"); "
                   f"add one so reports and news can tell it apart, e.g. \"…, {example}\"")


# --- report hygiene ----------------------------------------------------------------------

def _check_report(ctx: _Ctx, report: Report) -> None:
    line = ctx.u.field_lines.get("report", ctx.u.line)
    for k, ind in enumerate(report.indicators):
        if ind.type != "other":
            continue
        shape = _shape_of(ind.value, ctx.config)
        if shape is not None:
            typ = {"hash": _HASH_NAMES.get(len(ind.value.strip()), "sha256")}.get(shape, shape)
            ctx.report("report-indicator-untyped", line, ctx.path("report", f"indicators[{k}]"),
                       f"indicator {quote(ind.value)!r} has type 'other' but looks like {_SHAPE_NAMES[shape]}; "
                       f"set type: {typ} so it is defanged and exported as one")
    previous: datetime | None = None
    for k, entry in enumerate(report.timeline):
        if previous is not None and entry.at < previous:
            ctx.report("report-timeline-order", line, ctx.path("report", f"timeline[{k}]"),
                       f"timeline entry {k + 1} ({format_time(entry.at)}) comes before entry {k} "
                       f"({format_time(previous)}) in time; list the timeline in UTC order")
        previous = entry.at if previous is None else max(previous, entry.at)
