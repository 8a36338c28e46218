"""statuskit's own words and dates in the site's language (``theme.language``).

>>> lang = language("de")
>>> lang.gettext("Active incidents")
'Aktive Vorfälle'
>>> lang.time_text(datetime(2026, 11, 24, 7, 30, tzinfo=timezone.utc))
'24. Nov. 2026, 07:30 UTC'
>>> catalogue_warnings("it")
["theme.language 'it' has no statuskit catalogue; statuskit's words stay English"]

The catalogues are gettext ``.po`` files in ``statuskit/locale/<lang>/LC_MESSAGES/statuskit.po``,
read at run time with Babel (:func:`babel.messages.pofile.read_po`) into
:class:`babel.support.Translations`, so a fresh clone needs no compile step. English is the
source language: its catalogue lists every message (``msgstr`` empty). A message a catalogue
lacks (or marks fuzzy) falls back to English, and :func:`catalogue_warnings` says so.

Date patterns are messages too (context ``date pattern``), formatted by Babel
(:func:`babel.dates.format_datetime`), so each catalogue chooses its own order and month
names. Times are UTC; a site may add a display time zone (an IANA name), shown next to UTC.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ..errors import StatuskitError

__all__ = ["Language", "language", "catalogue_warnings", "catalogue_languages", "check_time_zone",
           "extract_messages", "LOCALE_DIR", "DOMAIN", "N_", "NP_"]

DOMAIN = "statuskit"
LOCALE_DIR = Path(str(resources.files("statuskit") / "locale"))
"""``<lang>/LC_MESSAGES/statuskit.po`` for each language."""
SOURCE = "en"
"""The language of the message ids."""


def N_(text: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return text


def NP_(context: str, text: str) -> str:
    """Marks a message with a context for extraction."""
    return text


DATE_PATTERNS = (
    NP_("date pattern", "d MMM yyyy, HH:mm"), NP_("date pattern", "d MMMM yyyy, HH:mm"),
    NP_("date pattern", "d MMM yyyy HH:mm"), NP_("date pattern", "HH:mm"), NP_("date pattern", "LLLL yyyy"),
    NP_("date pattern", "d MMM yyyy, HH:mm zzz"),
)
"""Babel date patterns (https://babel.pocoo.org/en/latest/dates.html#pattern-syntax); each catalogue
may give its own (German: ``d. MMM yyyy, HH:mm``)."""

KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "NP_": ((1, "c"), 2)}
"""Functions whose string arguments are messages."""
def extract_messages() -> list[tuple[Any, str | None]]:
    """(message id, context) of every message in the package's code and templates, in order."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    method_map = [("render/**.py", "statuskit.render.i18n:extract_python"), ("theme/statuskit/**.html", "jinja2")]
    seen: dict[tuple[Any, str | None], None] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(root), method_map, keywords=KEYWORDS, options_map={"theme/statuskit/**.html": {
                "extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}},
            strip_comment_tags=True):
        seen.setdefault((message, context), None)
    return list(seen)


def extract_python(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, Any, Any, list[str]]]:
    """Babel extraction method for Python that also finds messages inside f-strings (``ast``)."""
    import ast

    tree = ast.parse(fileobj.read().decode("utf-8"))
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in keywords or not node.args:
            continue
        strings = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if all(x is None for x in strings):
            continue
        yield node.lineno, name, tuple(strings) if len(strings) > 1 else strings[0], []


# words that come from the model and the gate (translated where they are shown)
MODEL_WORDS = (
    N_("Operational"), N_("Under maintenance"), N_("Degraded performance"), N_("Partial outage"),
    N_("Major outage"),
    N_("Investigating"), N_("Identified"), N_("Monitoring"), N_("Resolved"), N_("Postmortem"),
    N_("Scheduled"), N_("In progress"), N_("Verifying"), N_("Completed"),
    N_("All Systems Operational"), N_("Minor Service Outage"), N_("Partial System Outage"),
    N_("Major System Outage"), N_("Service Under Maintenance"),
)


def catalogue_languages() -> tuple[str, ...]:
    """Languages statuskit has a catalogue for."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def _catalogue_code(code: str) -> str | None:
    """The catalogue for ``code`` (``de``, ``de-CH``, ``pt_BR``): exact, else its language part."""
    have = catalogue_languages()
    norm = code.replace("-", "_")
    for candidate in (norm, norm.split("_")[0]):
        if candidate in have:
            return candidate
    return None


@functools.lru_cache(maxsize=None)
def _read(code: str) -> Catalog:
    with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=code.replace("-", "_"), domain=DOMAIN)


def _ids(catalog: Catalog) -> set[Any]:
    return {m.id for m in catalog if m.id}


def catalogue_warnings(code: str) -> list[str]:
    """Why statuskit's words would not all be in ``code``: no catalogue, or messages missing."""
    if _catalogue_code(code) is None:
        return [f"theme.language {code!r} has no statuskit catalogue; statuskit's words stay English "
                f"(catalogues: {', '.join(catalogue_languages())})"]
    found = _catalogue_code(code)
    if found == SOURCE:
        return []
    catalog = _read(found)
    missing = []
    for msg in _read(SOURCE):
        if not msg.id:
            continue
        have = catalog.get(msg.id, msg.context)
        if have is None or have.fuzzy or not (have.string if isinstance(have.string, str) else all(have.string or ())):
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    if not missing:
        return []
    shown = ", ".join(repr(m) for m in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [f"statuskit catalogue {found!r} lacks {len(missing)} message(s), shown in English: {shown}"]


def check_time_zone(name: str | None, where: str = "plugins.statuskit.display_time_zone") -> str | None:
    """``name`` when it is an IANA time zone (or None); else a clear error."""
    if name is None or name == "":
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        near = sorted(z for z in available_timezones() if z.lower().endswith(name.lower().split("/")[-1]))[:3]
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise StatuskitError(f"{where}: {name!r} is not an IANA time zone name such as Europe/Berlin or "
                             f"America/New_York{hint}") from None
    return name


@functools.lru_cache(maxsize=65536)
def _format_time(locale: Locale, dt: datetime, pattern: str, tz: str | None) -> str:
    """``dt`` in ``pattern`` (Babel) in time zone ``tz`` (UTC when None); pages repeat the same times."""
    dt = dt.astimezone(ZoneInfo(tz) if tz else timezone.utc)
    return str(format_datetime(dt, pattern, tzinfo=dt.tzinfo, locale=locale))


@dataclass(frozen=True, eq=False)  # one per (code, time zone), from language(): compared and hashed by identity
class Language:
    """statuskit's words and dates in one language: use :func:`language`."""

    code: str
    """As the site gives it (``theme.language``), e.g. ``de``."""
    locale: Locale
    translations: NullTranslations
    time_zone: str | None = None
    """The display time zone shown next to UTC on pages (IANA), or None."""

    def gettext(self, message: str) -> str:
        return self.translations.ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ungettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.upgettext(context, message)

    @property
    def feed_language(self) -> str:
        """For a feed's ``<language>`` (RFC 5646: ``de``, ``pt-BR``)."""
        return self.code.replace("_", "-")

    def format(self, dt: datetime, pattern: str) -> str:
        """``dt`` (UTC) in a date pattern message of this language (see ``date pattern`` messages)."""
        return self._format(dt, self.pgettext("date pattern", pattern), None)

    def _format(self, dt: datetime, pattern: str, tz: str | None) -> str:
        return _format_time(self.locale, dt, pattern, tz)

    def time_text(self, dt: datetime) -> str:
        """``24 Nov 2026, 07:30 UTC``: a time for readers (pages)."""
        return self.gettext("%(time)s UTC") % {"time": self.format(dt, "d MMM yyyy, HH:mm")}

    def local_text(self, dt: datetime) -> str:
        """The same time in the display time zone (``08:30 CET``), or "" without one."""
        if not self.time_zone:
            return ""
        return self._format(dt, self.pgettext("date pattern", "d MMM yyyy, HH:mm zzz"), self.time_zone)

    def long_text(self, dt: datetime) -> str:
        """``24 November 2026, 07:30 UTC``: a time in feeds (always UTC)."""
        return self.gettext("%(time)s UTC") % {"time": self.format(dt, "d MMMM yyyy, HH:mm")}


@functools.lru_cache(maxsize=64)
def language(code: str = SOURCE, time_zone: str | None = None) -> Language:
    """The :class:`Language` for a ``theme.language`` code (English words where it has no catalogue)."""
    found = _catalogue_code(code) or SOURCE
    catalog = _read(found)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    translations = Translations(buf, domain=DOMAIN)
    locale = Locale.parse(found)
    if found != SOURCE:  # the site's regional variant (de_CH) when it has one; English dates without a catalogue
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            pass  # a region Babel does not know (de-XX): the catalogue's own locale formats the dates
    return Language(code, locale, translations, time_zone)
