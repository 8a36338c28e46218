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

import functools
import ipaddress
import re
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from ..errors import Problem, Severity
from ..gate.release import withdrawn_updates
from ..model.fold import State, fold, with_restated_title
from ..model.records import CLOSED_STATUSES, Incident, Kind, Report, Update
from ..model.validate import SUGGESTIONS_PER_FILE, closest, format_time
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
_CLASSES = bytes.maketrans((string.ascii_letters + string.digits).encode(), b"a" * 52 + b"0" * 10)
_HEX = bytes.maketrans(string.hexdigits.encode(), b"x" * len(string.hexdigits))
_ATTACK_HINT = re.compile(r"T[0-9]")
"""A T and an ASCII digit: what an ATT&CK id needs."""


_ASCII_DIGIT = frozenset(string.digits.encode())
_ASCII_LETTER = frozenset(string.ascii_letters.encode())
_ASCII_ALNUM = _ASCII_DIGIT | _ASCII_LETTER


def _around_dots(raw: bytes) -> tuple[bool, bool]:
    """Whether ``raw`` has a digit.digit or digit[.]digit (an IPv4 hint), and a letter-or-digit.letter (a
    domain hint); ASCII characters only, as str.translate(_CLASSES) sees them."""
    if raw.count(b".") > 64:  # many dots: one pass over the whole text is cheaper
        cls = raw.translate(_CLASSES)
        return b"0.0" in cls or b"0[.]0" in cls, b"a.a" in cls or b"0.a" in cls
    ipv4 = domain = False
    end = len(raw) - 1
    i = raw.find(b".", 1)
    while 0 < i < end:
        before, after = raw[i - 1], raw[i + 1]
        if before in _ASCII_DIGIT and after in _ASCII_DIGIT:
            ipv4 = True
        elif before in _ASCII_ALNUM and after in _ASCII_LETTER:
            domain = True
        elif (before == 91 and after == 93 and i >= 2 and i + 2 <= end  # [.]
              and raw[i - 2] in _ASCII_DIGIT and raw[i + 2] in _ASCII_DIGIT):
            ipv4 = True
        i = raw.find(b".", i + 1)
    return ipv4, domain


def _shapes_to_scan(text: str) -> list[str]:
    """The shapes ``text`` may contain, by cheap substring tests (each regex scan is costly).

    Each test first checks that a character it needs is in the text at all; the
    tests on character classes run on the UTF-8 bytes (they look for ASCII
    characters only, and in UTF-8 those bytes never occur inside another character).
    """
    out = []
    bracket = "[" in text
    lower = text.lower() if bracket or "-" in text else ""
    if "/" in text and "//" in text:
        out.append("url")
    if "@" in text or (bracket and "[at]" in lower):
        out.append("email")
    raw = text.encode("utf-8", "surrogatepass")
    ipv4, domain = _around_dots(raw) if "." in text else (False, False)
    if ipv4:
        out.append("ipv4")
    if ":" in text and ("::" in text or text.count(":") >= 7):
        out.append("ipv6")
    if len(raw) >= 32 and b"x" * 32 in raw.translate(_HEX):
        out.append("hash")
    if "cve-" in lower:
        out.append("cve")
    if "T" in text and _ATTACK_HINT.search(text):
        out.append("attack")
    if domain or (bracket and ("[.]" in text or "[dot]" in lower)) or ("(" in text and "(.)" in text):
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
    # the file as it reads once all of it publishes: what its retractions withdraw then (the gate's rule 4)
    retracted = withdrawn_updates(inc.updates, lambda u: True)[1]
    # (a title withdrawn with update 1 reads as its retraction restates it, as on the site)
    states = with_restated_title(fold(inc.updates, retracted))
    literals = _indicator_literals(inc)
    out: list[tuple[int, Problem]] = []
    exposure_from: int | None = None
    was_security = False
    for i, (u, state) in enumerate(zip(inc.updates, states, strict=True)):
        problems: list[Problem] = []
        ctx = _Ctx(inc, i, u, state, exposure_from, config, problems)
        if u.acknowledge:
            _check_acknowledge(ctx)
        if u.id in retracted:
            out += [(u.id, p) for p in problems]
            continue
        if u.facts.data_exposure is not None:
            exposure_from = ctx.exposure_from = u.id
        # a security incident is one its authors marked so (security_incident: true, signed, folded forward)
        is_security = state.facts.security_incident is True
        became_security, was_security = is_security and not was_security, is_security
        phrases = ctx.on("public-over-promise") or ctx.on("public-contradicts-facts") \
            or ctx.on("public-empty-reassurance")
        technical = ctx.on("public-technical-detail")
        for f in _public_fields(ctx):
            if phrases and f.key != "data_categories":
                _check_phrases(ctx, f)
            if technical:
                _check_technical_detail(ctx, f, literals)
        _check_parity(ctx)
        _check_cadence(ctx, is_security and (became_security or u.title is not None))
        if u.report is not None:
            _check_report(ctx, u.report)
        out += [(u.id, p) for p in problems]
    return out


def _check_acknowledge(ctx: _Ctx) -> None:
    for rule in ctx.u.acknowledge:
        if rule not in RULES:
            # bounded work: the incident's first findings get a suggestion, later ones none
            close = closest(rule, RULES) if len(ctx.out) < SUGGESTIONS_PER_FILE else []
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


def _phrase_matches(ctx: _Ctx, text: str, found: dict[str, list[re.Match]]) -> Iterator[tuple[str, re.Match]]:
    """(list name, match) for each phrase found (``found``: PhraseBook.finditer) and not cancelled by its context."""
    book = ctx.config.compiled.phrases
    evidence: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] | None = None
    for name in _PHRASE_ORDER:
        for m in found[name]:
            if name == "no-impact" and any(m.start() < e and s < m.end() for s, e in evidence):
                continue  # "no evidence that data was accessed" is not also "no data ... accessed"
            if book.search("cancel-before", clause_before(text, m.start())):
                continue
            if spans is None:
                spans = list(sentences(text))
            sentence = sentence_around(text, m.start(), m.end(), spans)
            if sentence.rstrip(" \"')*_").endswith("?"):
                continue  # a question ("Is my data safe?") claims nothing
            if name == "resolution-time" and book.search("cadence-context", sentence):
                continue
            if name == "no-evidence":
                evidence.append((m.start(), m.end()))
            yield name, m


def _check_phrases(ctx: _Ctx, f: _Field) -> None:
    """The phrase rules for one field (the caller checks that one of them is on)."""
    text = normalise(f.text)
    found = ctx.config.compiled.phrases.finditer(text, _PHRASE_ORDER)
    if not any(found.values()):
        return
    is_incident = ctx.inc.kind is Kind.INCIDENT
    status = ctx.state.status
    open_ = status not in CLOSED_STATUSES
    exposure = ctx.state.facts.data_exposure
    set_in = f" (set in update {ctx.exposure_from})" if ctx.exposure_from else ""
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    for name, m in _phrase_matches(ctx, text, found):
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
    return rule is not None and message is not None and ctx.report(rule, line, f.field, message)


# --- public-technical-detail ------------------------------------------------------------

class _Literals:
    """Every indicator value in the incident's reports (defanged forms too), as one regex, compiled
    only when some text may contain one of them."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        """Lower-cased, at least four characters, in the order first met."""
        self._pieces = [tuple(v.split(".")) if v.isascii() else None for v in values]
        self._regex: re.Pattern[str] | None = None

    def may_occur(self, text: str) -> bool:
        """False when :attr:`regex` cannot match in ``text``: in ASCII text a match has each piece of
        some value between its dots (ASCII values; the regex ignores case)."""
        if not text.isascii():
            return True
        lower = text.lower()
        for pieces in self._pieces:
            if pieces is None:
                return True
            for piece in pieces:
                if piece not in lower:
                    break
            else:
                return True
        return False

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            parts = sorted((re.escape(v).replace(r"\.", _DOT) for v in self.values), key=len, reverse=True)
            self._regex = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)
        return self._regex


def _indicator_literals(inc: Incident) -> _Literals | None:
    """The incident's indicator values, for :func:`_check_technical_detail`."""
    values: dict[str, None] = {}
    for u in inc.updates:
        for ind in (u.report.indicators if u.report else ()):
            v = ind.value.strip()
            if len(v) >= 4:
                values[v.lower()] = None
    return _Literals(list(values)) if values else None


def _check_technical_detail(ctx: _Ctx, f: _Field, literals: _Literals | None) -> None:
    """public-technical-detail for one field (the caller checks that the rule is on)."""
    text = f.text
    shapes = _shapes_to_scan(text)
    literal = literals is not None and literals.may_occur(text)
    if not literal and not shapes:
        return
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

    if literal:
        for m in literals.regex.finditer(text):  # type: ignore[union-attr]
            spans.append((m.start(), m.end()))
            report(m.start(), "an indicator from the incident's report", m.group(0))
    matches = [(kind, m) for kind in shapes for m in _SHAPE_RE[kind].finditer(text)]
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


_WORD_RE = re.compile(r"[\w']+")


def _canon(text: str) -> str:
    return " ".join(_WORD_RE.findall(normalise(text).lower()))


_NEGATION_WORDS = frozenset({"not", "no", "never", "cannot", "none", "nothing"})


_PARITY_SPLIT = str.maketrans({**{c: " " for c in string.punctuation.replace("'", "") + "\u201c\u201d\u2013\u2014"},
                               "\u2019": "'", "\u2018": "'"})
_PARITY_SPLIT_ASCII = bytes(32 if chr(c) in string.punctuation.replace("'", "") else c for c in range(128)) \
    + bytes(range(128, 256))
"""_PARITY_SPLIT for ASCII text, as a bytes table (the same result, much faster)."""
_CONTENT_STEM: dict[str, str] = {}
"""word -> its stem, or "" for a stop word or negation (words repeat across texts)."""


def _content_stem(w: str) -> str:
    bare = w.strip("'")
    return "" if (len(bare) < 2 or bare in _PARITY_STOP or bare in _NEGATION_WORDS or bare.endswith("n't")) \
        else stem(bare)


def _content_words(text: str) -> set[str]:
    """The stems of the words of ``text`` that carry meaning (no stop words, no negations)."""
    lower = text.lower()
    if lower.isascii():
        lower = lower.encode().translate(_PARITY_SPLIT_ASCII).decode()
    else:
        lower = lower.translate(_PARITY_SPLIT)
    words = set(lower.split())
    cache = _CONTENT_STEM
    new = words.difference(cache)
    if new:
        if len(cache) >= 200_000:
            return {s for w in words if (s := cache[w] if w in cache else _content_stem(w))}
        for w in new:
            cache[w] = _content_stem(w)
    out = set(map(cache.__getitem__, words))
    out.discard("")
    return out


@dataclass(frozen=True)
class _Piece:
    """One sentence of a customer action's text."""

    text: str
    words: frozenset[str]
    """Its content words."""
    canon: str
    negated: bool
    """Whether it has a negation."""
    words_in_order: tuple[str, ...]
    """Its words, for :func:`_quote_pattern`."""


@functools.lru_cache(maxsize=4096)
def _action_pieces(text: str) -> tuple[_Piece, ...]:
    """The sentences of a customer action's text (actions fold forward, so they repeat in every update)."""
    out = []
    for s, e in sentences(text):
        piece = text[s:e]
        out.append(_Piece(piece, frozenset(_content_words(piece)), _canon(piece),
                          bool(_NEGATION_RE.search(normalise(piece))), tuple(_WORD_RE.findall(normalise(piece)))))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _quote_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Where a text quotes these words (whatever the case, punctuation and emphasis between them)."""
    return re.compile(r"(?<![\w'])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![\w'])", re.IGNORECASE)


def _negated_quote(text: str, piece: _Piece) -> tuple[int, int] | None:
    """The clause where ``text`` quotes ``piece`` after a negation ("you do not need to <action>"), if any."""
    if piece.negated:
        return None
    pattern = _quote_pattern(piece.words_in_order)
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
    pieces = [(action.id, _action_pieces(action.text)) for action in actions]
    if not any(len(piece.words) >= PARITY_MIN_WORDS for _, ps in pieces for piece in ps):
        return  # every action sentence is too short to compare
    tracks = [("public", ctx.u.public), ("technical", ctx.u.technical)]
    for key, text in tracks:
        if not text:
            continue
        canon_text: str | None = None
        all_words = _content_words(text)
        track_sentences: list[tuple[int, int, set[str]]] | None = None
        reported: set[str] = set()
        for action_id, action_pieces in pieces:
            if action_id in reported:
                continue
            for piece in action_pieces:
                words = piece.words
                if len(words) < PARITY_MIN_WORDS or len(words & all_words) < PARITY_OVERLAP * len(words):
                    continue  # too short to compare, or the text does not come near it
                if canon_text is None:
                    canon_text = _canon(text)
                if piece.canon in canon_text:
                    negated = _negated_quote(text, piece)
                    if negated is not None:
                        ctx.report("customer-action-parity", line_of(text, negated[0], ctx.u.field_lines.get(key)),
                                   ctx.path(key), f"{key} text contradicts customer action '{action_id}': it negates "
                                   f"the action where it quotes it (\"{quote(text[negated[0]:negated[1]])}\")")
                        reported.add(action_id)
                        break
                    continue
                if track_sentences is None:
                    track_sentences = [(s, e, _content_words(text[s:e])) for s, e in sentences(text)]
                best = max(track_sentences, key=lambda t: len(words & t[2]), default=None)
                if best is None or len(words & best[2]) < PARITY_OVERLAP * len(words):
                    continue
                said = text[best[0]:best[1]]
                line = line_of(text, best[0], ctx.u.field_lines.get(key))
                if bool(_NEGATION_RE.search(normalise(said))) != piece.negated:
                    msg = (f"{key} text contradicts customer action '{action_id}': \"{quote(said)}\" against "
                           f"\"{quote(piece.text)}\"")
                else:
                    msg = (f"{key} text paraphrases customer action '{action_id}' (\"{quote(said)}\"); both pages "
                           f"show the action's own words, so quote it exactly or leave it to the action list")
                ctx.report("customer-action-parity", line, ctx.path(key), msg)
                reported.add(action_id)
                break


# --- cadence ---------------------------------------------------------------------------

def _check_cadence(ctx: _Ctx, title_moment: bool) -> None:
    u, inc = ctx.u, ctx.inc
    if inc.kind is not Kind.INCIDENT:
        return
    if u.public and u.status not in CLOSED_STATUSES and u.next_update_at is None:
        ctx.report("cadence-next-update", u.line, ctx.path(),
                   f"update {u.id} of an open incident ({u.status}) has public text but no next_update_at; "
                   f"tell readers when to expect the next update")
    if title_moment and not ctx.config.compiled.has_date(ctx.state.title):
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
