"""Text matching for the lints: a small normaliser and phrase lists compiled to regexes.

Phrases are data (``statuskit/data/lint.yml`` and a site's ``content/lint.yml``),
written in a tiny syntax that :class:`PhraseBook` compiles once per configuration:

- words are separated by spaces; each word matches case-insensitively with its
  inflections ("resolve" matches resolves, resolved, resolving; "guarantee"
  matches guaranteed, guarantees);
- ``a|b|c`` is one word out of alternatives; ``[word]`` or ``[a|b]`` is an optional word;
- ``...`` stands for up to five other words (not a negation such as "not");
- ``*`` is exactly one word of any kind; ``=word`` matches the word exactly (no inflection);
- between words, any run of spaces, line breaks or hyphens matches ("state of the art"
  matches "state-of-the-art"), and Markdown emphasis (``**``, ``_``, backticks) is ignored;
- curly quotes and apostrophes match straight ones.

Matching never changes the length of the text, so a match's offset is an offset
in the original text (and so gives a line number).

>>> book = PhraseBook([("claims", ["fully resolved|fixed", "within the [next] hour"])])
>>> [m.group(0) for m in book.finditer(normalise("It is **Fully**\\nresolved."), ["claims"])["claims"]]
['Fully  \\nresolved']
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

# Characters replaced one for one, so offsets stay valid: curly quotes and
# apostrophes, dashes, non-breaking and thin spaces, and Markdown emphasis.
_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": " ",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ",
    "*": " ", "_": " ",
})

_PHRASE_TRANSLATE = {k: v for k, v in _TRANSLATE.items() if chr(k) not in "*_`"}

SEP = r"[\s\-]+"
"""What may stand between two words of a phrase."""
GAP_WORDS = 5
"""How many words ``...`` may stand for."""
_NEGATION_WORD = r"(?:not|no|never|cannot|nothing|none|nobody|[\w']*n't)"
_GAP = rf"(?:{SEP}(?!{_NEGATION_WORD}(?![\w']))[\w']+){{0,{GAP_WORDS}}}"

EXACT_WORDS = frozenset("""
a an and any all are as at be been being but by can could did do does for from had has have he her his
i if in into is it its it's may might must no nor not now of on or our ours she should so than that the
their them then there these they this those to too us was we we're we've were what when where which
while who will with would you your yours you're
""".split())
"""Function words: matched exactly, never inflected (else "a" would match "as")."""

_SUFFIXES = "(?:e|es|ed|d|s|ing|en|er|ers|est|ly|ely|y|ies|ied|ying|eing)"
_STRIP = ("ies", "ied", "ying", "ing", "ed", "es", "s", "y", "e")


def normalise(text: str) -> str:
    """The text with quotes, dashes, odd spaces and Markdown emphasis made plain; same length."""
    return text.translate(_TRANSLATE)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem, shared by all inflections of a word ("resolved" -> "resolv")."""
    w = word.lower()
    if len(w) <= 2 or w in EXACT_WORDS or not w.isalpha():
        return w
    for suffix in _STRIP:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                continue
            w = w[: -len(suffix)]
            if suffix in ("ing", "ed", "ying") and len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeioulsfz":
                w = w[:-1]  # stopped -> stop
            break
    return w


def word_pattern(word: str) -> str:
    """A regex for ``word`` and its inflections."""
    if word.startswith("="):
        return re.escape(word[1:].lower())
    w = word.lower()
    if len(w) <= 2 or w in EXACT_WORDS or not w.isalpha():
        return re.escape(w)
    root = stem(w)
    double = root[-1] if root[-1] not in "aeiouy" else ""
    return f"{re.escape(root)}(?:{re.escape(double)}?{_SUFFIXES})?" if double else f"{re.escape(root)}{_SUFFIXES}?"


class PhraseError(ValueError):
    """A phrase that does not follow the phrase syntax."""


def phrase_pattern(phrase: str) -> str:
    """The regex (without boundaries) for one phrase; raises PhraseError."""
    return _parse(phrase)[0]


def _parse(phrase: str) -> tuple[str, tuple[frozenset[str], ...]]:
    """The regex for one phrase, and its keys: for each word it needs, the stems one of which must occur."""
    text = phrase.translate(_PHRASE_TRANSLATE).strip()
    if not text:
        raise PhraseError("a phrase cannot be empty")
    if text.count("[") != text.count("]") or re.search(r"\[[^\]]*\[", text):
        raise PhraseError(f"unbalanced brackets in {phrase!r}; write optional words as [word], [a|b] or [two words]")
    out = ""
    keys: list[frozenset[str]] = []
    have_word = False
    pending_gap = False
    raw = re.findall(r"\[[^\]]*\]|[^\s\[\]]+", text)
    for i, tok in enumerate(raw):
        if tok == "...":
            if not have_word or i == len(raw) - 1:
                raise PhraseError(f"'...' must stand between two words in {phrase!r}")
            if pending_gap:
                raise PhraseError(f"two '...' in a row in {phrase!r}")
            pending_gap = True
            continue
        optional = tok.startswith("[")
        words = _words(tok[1:-1] if optional else tok, phrase)
        if optional and not have_word:
            raise PhraseError(f"a phrase cannot start with an optional word: {phrase!r}")
        piece = ""
        for pattern, key in words:
            piece += (SEP if (have_word or piece) else "") + pattern
            if key and not optional:
                keys.append(key)
        if pending_gap:
            piece = _GAP + piece
            pending_gap = False
        out += f"(?:{piece})?" if optional else piece
        have_word = True
    return out, tuple(keys)


def _key(word: str) -> str | None:
    """What a text word matching ``word`` must start with (None: too common to be worth checking)."""
    w = word.lstrip("=").lower()
    if w in EXACT_WORDS:
        return None
    if not w.isalpha():
        runs = re.findall(r"[^\W_]+", w)
        w = max(runs, key=len) if runs else ""
        return w if len(w) >= 2 and w not in EXACT_WORDS else None
    root = stem(w) if not word.startswith("=") else w
    return root if len(root) >= 2 else None


def _words(chunk: str, phrase: str) -> list[tuple[str, frozenset[str] | None]]:
    """(pattern, key) for the words of a chunk (hyphens inside words separate words, as spaces do)."""
    tokens = [t for t in re.split(r"\s+|(?<=\w)-(?=\w)", chunk) if t]
    if not tokens:
        raise PhraseError(f"empty brackets in {phrase!r}")
    out = []
    for tok in tokens:
        if tok == "*":
            out.append((r"[\w']+", None))
            continue
        alts = tok.split("|")
        if any(not a or a in ("=", "...", "*") for a in alts):
            raise PhraseError(f"bad word {tok!r} in {phrase!r}: alternatives are words separated by '|'")
        keys = [_key(a) for a in alts]
        out.append(("(?:" + "|".join(word_pattern(a) for a in alts) + ")",
                    None if None in keys else frozenset(keys)))  # type: ignore[arg-type]
    return out


_SPLIT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014"})


def words_of(text: str) -> frozenset[str]:
    """The lower-case words of ``text`` (for :meth:`PhraseBook.finditer`)."""
    return frozenset(text.lower().translate(_SPLIT).split())


class _PrefixIndex:
    """Stems by their first letters, to find which stems begin some word of a text."""

    def __init__(self) -> None:
        self.long: dict[str, list[tuple[str, object]]] = {}
        self.short: dict[str, list[tuple[str, object]]] = {}

    def add(self, root: str, value: object) -> None:
        (self.long if len(root) >= 3 else self.short).setdefault(root[:3], []).append((root, value))

    def hits(self, words: Iterable[str]) -> Iterator[object]:
        long, short = self.long, self.short
        for w in words:
            for root, value in long.get(w[:3], ()):
                if w.startswith(root):
                    yield value
            if short:
                for root, value in short.get(w[:2], ()):
                    if w.startswith(root):
                        yield value


class PhraseBook:
    """Named phrase lists, compiled.

    Scanning text with one big alternation costs a regex step per branch at every
    word; instead each phrase keeps the word stems it cannot match without, and
    only the phrases whose stems all occur in the text are run.
    """

    def __init__(self, lists: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.regex: dict[str, re.Pattern[str]] = {}
        """Each list as one regex (for short texts)."""
        self._phrases: list[tuple[str, re.Pattern[str], tuple[frozenset[str], ...]]] = []
        self._always: set[int] = set()
        self._anchors = _PrefixIndex()
        self._roots = _PrefixIndex()
        self._cache: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {}
        """word -> (phrases it anchors, stems it begins with), for words that begin a stem."""
        self._seen: set[str] = set()
        """Words looked up already: texts repeat most of their words."""
        for name, phrases in lists:
            parsed = [_parse(p) for p in dict.fromkeys(phrases)]
            patterns = sorted({pat for pat, _ in parsed})
            self.regex[name] = re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])", re.IGNORECASE) \
                if patterns else re.compile(r"(?!)")
            for pat, keys in parsed:
                n = len(self._phrases)
                self._phrases.append((name, re.compile(rf"(?<![\w'])(?:{pat})(?![\w'])", re.IGNORECASE), keys))
                for root in {r for key in keys for r in key}:
                    self._roots.add(root, root)
                if not keys:
                    self._always.add(n)
                    continue
                anchor = max(keys, key=lambda k: min(len(r) for r in k))  # the rarest-looking word
                for root in anchor:
                    self._anchors.add(root, n)

    def search(self, name: str, text: str) -> re.Match[str] | None:
        """The first match of list ``name`` in ``text``."""
        return self.regex[name].search(text)

    def finditer(self, text: str, names: Iterable[str], words: frozenset[str] | None = None) -> dict[str, list[re.Match[str]]]:
        """The matches in ``text`` of each list in ``names``, in text order."""
        names = set(names)
        words = words_of(text) if words is None else words
        candidates = set(self._always)
        hits: set[str] = set()
        cache = self._cache
        for w in words - self._seen if len(self._seen) < 500_000 else words:  # words not met before
            known = (tuple(self._anchors.hits((w,))), tuple(self._roots.hits((w,))))  # type: ignore[arg-type]
            self._seen.add(w)
            if known[1]:
                cache[w] = known
        for w in words & cache.keys():  # only words that begin some phrase's stem
            anchors, roots = cache[w]
            candidates.update(anchors)
            hits.update(roots)
        out: dict[str, list[re.Match[str]]] = {name: [] for name in names}
        for n in sorted(candidates):
            if self._phrases[n][0] not in names:
                continue
            name, regex, keys = self._phrases[n]
            if all(not hits.isdisjoint(key) for key in keys):
                out[name].extend(regex.finditer(text))
        for matches in out.values():
            matches.sort(key=lambda m: (m.start(), -m.end()))
        return out


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``phrases`` as whole words."""
    return PhraseBook([("", phrases)]).regex[""]


_CLAUSE_END = re.compile(r"[.!?;:,()](?:\s|$)|\n\s*\n|(?:^|\n)\s*[-+]\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?:\s+|$)|\n\s*\n|\n\s*(?=[-*+]\s)|(?<=:)\n")


def clause_before(text: str, start: int) -> str:
    """The words before ``start`` in the same clause (up to 200 characters back)."""
    window = text[max(0, start - 200): start]
    cut = 0
    for m in _CLAUSE_END.finditer(window):
        cut = m.end()
    return window[cut:]


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: ends at . ! ?, blank lines and list items."""
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


def sentence_around(text: str, start: int, end: int) -> str:
    for s, e in sentences(text):
        if s <= start < max(e, s + 1) or s < end <= e:
            return text[s:e]
    return text[start:end]


def quote(text: str, limit: int = 70) -> str:
    """A matched span as one line, for a message."""
    one = " ".join(text.replace("*", " ").replace("`", " ").split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def line_of(text: str, pos: int, key_line: int | None) -> int | None:
    """The file line of offset ``pos`` in a text field whose key is on ``key_line``.

    A multi-line value is a block scalar (``|``), whose text starts on the next line.
    """
    if key_line is None:
        return None
    if "\n" not in text:
        return key_line
    return key_line + 1 + text.count("\n", 0, pos)
