"""Lint settings: statuskit's defaults, overridden or extended by a site's ``content/lint.yml``.

>>> config, problems = load_config(Path("content"))   # problems name file, line and field
>>> config.severity["public-over-promise"]
<Severity.WARNING: 'warning'>

The site file has the shape of ``statuskit/data/lint.yml``; every key is optional::

    severity:                      # per rule: warning, error or off
      public-over-promise: error
    phrases:
      empty-reassurance: [world leading security]         # a list adds to the defaults
      guarantee: {remove: [zero risk], add: [we promise]}  # or add / remove / replace
    domains:
      allowed: [northbridge.example]                      # the site's own domains
    months: [januar, februar]

A list always adds to the default list; ``{replace: [...]}`` replaces it, and
``{add: [...], remove: [...]}`` adds and removes single entries.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import Problem, Severity, StatuskitError
from ..model.content import display_path
from ..model.load import Document, parse_yaml, read_yaml
from ..model.validate import SUGGESTIONS_PER_FILE, closest, show_value
from .text import PhraseBook, PhraseError, phrase_pattern

RULES: Mapping[str, str] = MappingProxyType({
    "public-over-promise": "public text promises a fix time, a complete fix or safety that the facts do not back",
    "public-contradicts-facts": "public text says what the shared facts or the status contradict",
    "customer-action-parity": "a track paraphrases or contradicts a customer action instead of quoting it",
    "public-technical-detail": "indicators, CVE or ATT&CK ids, or report indicator values in public text",
    "public-empty-reassurance": "clichés such as 'we take security seriously' in public text",
    "cadence-next-update": "an open incident's public update without next_update_at",
    "cadence-title-date": "a security incident whose title has no date",
    "cadence-overdue": "at T, the newest published update's next_update_at has passed and nothing newer is published",
    "report-indicator-untyped": "an indicator of type 'other' that looks like an IP, domain, hash, URL or email",
    "report-timeline-order": "a report timeline that is not in time order",
})
"""Every lint rule id, with what it finds."""

PHRASE_LISTS = (
    "resolution-time", "cadence-context", "complete-resolution", "guarantee", "no-impact",
    "no-evidence", "resolved-claim", "empty-reassurance", "cancel-before",
)
"""The phrase lists a site may change."""

SEVERITIES = {"warning": Severity.WARNING, "error": Severity.ERROR, "off": None}
TOP_KEYS = ("severity", "phrases", "domains", "months")
DOMAIN_KEYS = ("allowed", "tlds")
EDIT_KEYS = ("add", "remove", "replace")
FILE_NAME = "lint.yml"

_DOMAIN_RE = re.compile(r"\A(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}\Z")
_TLD_RE = re.compile(r"\A[a-z][a-z0-9-]{1,62}\Z")


@dataclass(frozen=True)
class LintConfig:
    """The settings the lints run with."""

    severity: Mapping[str, Severity | None]
    """Rule id -> severity; None when the rule is off."""
    phrases: Mapping[str, tuple[str, ...]]
    """Phrase list name -> phrases (see :mod:`statuskit.lint.text` for the syntax)."""
    allowed_domains: tuple[str, ...]
    """Domains (and their subdomains) public text may name."""
    tlds: frozenset[str]
    """Last labels that make a word.word a domain."""
    months: tuple[str, ...]
    """Month names, for dates in titles."""
    file: str | None = None
    """The site's lint.yml, when there is one."""
    compiled: "Compiled" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", _compile(
            tuple((k, self.phrases[k]) for k in PHRASE_LISTS), tuple(self.months)))


_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Compiled:
    """Regexes built once per configuration."""

    phrases: PhraseBook
    date: re.Pattern[str]
    date_from_digit: re.Pattern[str]
    """The alternatives of ``date`` that start with a digit, written to start with it (so a search skips
    to the digits): ``\\b\\d`` is ``\\d(?<!\\w.)``, a digit with no word character before it."""
    date_from_month: re.Pattern[str]
    """The alternatives of ``date`` that start with a month."""

    def has_date(self, text: str) -> bool:
        """Whether ``date`` matches somewhere in ``text`` (the same answer, faster)."""
        if not _ANY_DIGIT.search(text):  # every date has a digit
            return False
        return bool(self.date_from_digit.search(text) or self.date_from_month.search(text))


@functools.lru_cache(maxsize=16)
def _compile(phrases: tuple[tuple[str, tuple[str, ...]], ...], months: tuple[str, ...]) -> Compiled:
    month = "|".join(sorted({re.escape(m) for m in months}, key=len, reverse=True)) or "(?!)"
    # Each alternative that starts with a digit, as \d{n,m} plus the rest (the rest is shared with date_from_digit).
    day_month = (r"\d{1,2}", rf"(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{month})\.?(?![a-z])")   # 24 November
    iso = (r"\d{4}", r"-\d{2}-\d{2}\b")                                                 # 2026-11-24
    numeric = (r"\d{1,2}", r"[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b")                        # 24/11/2026
    month_day = rf"\b(?:{month})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"                    # November 24
    month_year = rf"\b(?:{month})\.?\s+\d{{4}}\b"                                     # November 2026
    date = re.compile(rf"\b{''.join(day_month)}|{month_day}|{month_year}|\b{''.join(iso)}|\b{''.join(numeric)}",
                      re.IGNORECASE)
    from_digit = re.compile(  # \d{1,2} is \d\d?, \d{4} is \d\d{3}: one \d taken out in front
        rf"\d(?<!\w.)(?:\d?{day_month[1]}|\d{{3}}{iso[1]}|\d?{numeric[1]})", re.IGNORECASE)
    from_month = re.compile(rf"{month_day}|{month_year}", re.IGNORECASE)
    return Compiled(PhraseBook(phrases), date, from_digit, from_month)


@functools.lru_cache(maxsize=1)
def default_config() -> LintConfig:
    """statuskit's own settings (``statuskit/data/lint.yml``)."""
    raw = resources.files("statuskit").joinpath("data", FILE_NAME).read_bytes()
    doc, problems = parse_yaml(raw, "statuskit/data/lint.yml")
    config = None
    if doc is not None:
        config, problems = _apply(doc, None)
    if config is None or problems:  # pragma: no cover - a packaging bug, caught by the tests
        raise StatuskitError("statuskit's default lint settings are broken:\n" + "\n".join(map(str, problems)))
    return config


def load_config(root: Path) -> tuple[LintConfig | None, list[Problem]]:
    """The defaults with ``<root>/lint.yml`` applied; None and the problems when it has errors."""
    path = Path(root) / FILE_NAME
    if not path.is_file():
        return default_config(), []
    doc, problems = read_yaml(path, display_path(path))
    if doc is None:
        return None, problems
    return _apply(doc, default_config())


def _apply(doc: Document, base: LintConfig | None) -> tuple[LintConfig | None, list[Problem]]:
    """Validate ``doc`` and apply it on ``base`` (None: ``doc`` is the defaults)."""
    v = _Validator(doc, defaults=base is None)
    top = doc.data if doc.data is not None else {}
    if not isinstance(top, dict):
        return None, [doc.problem((), "expected lint settings (a mapping with severity, phrases, domains, months)")]
    v.keys(top, (), TOP_KEYS, "lint.yml")

    severity = dict(base.severity) if base else {}
    sev = v.mapping(top.get("severity"), ("severity",), "severities (rule id: warning, error or off)")
    for rule, value in (sev or {}).items():
        path = ("severity", rule)
        if value is False:  # YAML 1.1 reads a bare `off` as false
            value = "off"
        if rule not in RULES:
            v.unknown(path, str(rule), tuple(RULES), "lint rule")
        elif value not in SEVERITIES:
            v.error(path, f"severity {value!r} is not one of: warning, error, off")
        else:
            severity[rule] = SEVERITIES[value]
    if base is None:
        for rule in RULES:
            if rule not in severity:
                v.error(("severity",), f"no default severity for rule '{rule}'")

    phrases: dict[str, tuple[str, ...]] = dict(base.phrases) if base else {}
    ph = v.mapping(top.get("phrases"), ("phrases",), "phrase lists")
    for name, value in (ph or {}).items():
        path = ("phrases", name)
        if name not in PHRASE_LISTS:
            v.unknown(path, str(name), PHRASE_LISTS, "phrase list")
            continue
        phrases[name] = v.edit(value, path, phrases.get(name, ()), _check_phrase, "phrase")
    if base is None:
        for name in PHRASE_LISTS:
            phrases.setdefault(name, ())

    allowed = base.allowed_domains if base else ()
    tlds: tuple[str, ...] = tuple(sorted(base.tlds)) if base else ()
    dm = v.mapping(top.get("domains"), ("domains",), "domain settings (allowed, tlds)")
    if dm:
        v.keys(dm, ("domains",), DOMAIN_KEYS, "domains")
        if "allowed" in dm:
            allowed = v.edit(dm["allowed"], ("domains", "allowed"), allowed, _check_domain, "domain", lower=True)
        if "tlds" in dm:
            tlds = v.edit(dm["tlds"], ("domains", "tlds"), tlds, _check_tld, "top-level domain", lower=True)
    months: tuple[str, ...] = base.months if base else ()
    if "months" in top:
        months = v.edit(top["months"], ("months",), months, _check_month, "month name", lower=True)

    if v.problems:
        return None, v.problems
    return LintConfig(MappingProxyType(severity), MappingProxyType(phrases), allowed, frozenset(tlds), months,
                      None if base is None else doc.file), []


def _check_phrase(value: str) -> str | None:
    try:
        phrase_pattern(value)
    except PhraseError as exc:
        return str(exc)
    return None


def _check_domain(value: str) -> str | None:
    return None if _DOMAIN_RE.match(value) else f"{value!r} is not a domain name like status.example.org"


def _check_tld(value: str) -> str | None:
    return None if _TLD_RE.match(value) else f"{value!r} is not a top-level domain like org or uk"


def _check_month(value: str) -> str | None:
    return None if value.isalpha() else f"{value!r} is not a month name (letters only)"


class _Validator:
    def __init__(self, doc: Document, defaults: bool) -> None:
        self.doc = doc
        self.defaults = defaults
        self.problems: list[Problem] = []
        self.suggestions = SUGGESTIONS_PER_FILE
        """Unknown values left that get a "did you mean" (bounded work on a huge file)."""

    def error(self, path: tuple, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def unknown(self, path: tuple, got: str, allowed: tuple[str, ...], what: str) -> None:
        self.suggestions -= 1
        close = closest(got, allowed) if self.suggestions >= 0 else []
        hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
        self.error(path, f"unknown {what} '{got}'{hint}")

    def keys(self, mapping: dict, path: tuple, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.unknown(path + (key,), str(key), allowed, f"key in {what}:")

    def mapping(self, value: Any, path: tuple, what: str) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(path, f"expected {what} (a mapping), got {show_value(value)}")
            return None
        return value

    def items(self, value: Any, path: tuple, check, what: str, lower: bool) -> list[str]:
        if not isinstance(value, list):
            self.error(path, f"expected a list of {what}s, got {show_value(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(path + (i,), f"expected a {what} (text), got {show_value(item)}")
                continue
            item = " ".join(item.split())
            if lower:
                item = item.lower()
            bad = check(item)
            if bad:
                self.error(path + (i,), bad)
                continue
            out.append(item)
        return out

    def edit(self, value: Any, path: tuple, base: tuple[str, ...], check, what: str,
             lower: bool = False) -> tuple[str, ...]:
        """A list adds to ``base``; {add, remove, replace} edits it."""
        if isinstance(value, list):
            return _dedupe(base + tuple(self.items(value, path, check, what, lower)))
        if self.defaults or not isinstance(value, dict):
            self.error(path, f"expected a list of {what}s"
                       + ("" if self.defaults else ", or a mapping with add, remove or replace")
                       + f", got {show_value(value)}")
            return base
        self.keys(value, path, EDIT_KEYS, "a list edit")
        if "replace" in value and ("add" in value or "remove" in value):
            self.error(path, "use either 'replace' or 'add'/'remove', not both")
            return base
        if "replace" in value:
            return _dedupe(tuple(self.items(value["replace"], path + ("replace",), check, what, lower)))
        out = list(base)
        if "remove" in value:
            removes = value["remove"]
            for i, item in enumerate(self.items(removes, path + ("remove",), lambda s: None, what, lower)):
                if item in out:
                    out.remove(item)
                else:
                    self.error(path + ("remove", i), f"{item!r} is not in the default list, so it cannot be removed")
        if "add" in value:
            out += self.items(value["add"], path + ("add",), check, what, lower)
        return _dedupe(tuple(out))


def _dedupe(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
