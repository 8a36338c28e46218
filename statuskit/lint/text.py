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
from typing import Iterable, Iterator, Mapping

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

_SUFFIX_LIST = ("e", "es", "ed", "d", "s", "ing", "en", "er", "ers", "est", "ly", "ely", "y", "ies", "ied", "ying",
                "eing")
_SUFFIXES = "(?:" + "|".join(_SUFFIX_LIST) + ")"
_STRIP = ("ies", "ied", "ying", "ing", "ed", "es", "s", "y", "e")


def normalise(text: str) -> str:
    """The text with quotes, dashes, odd spaces and Markdown emphasis made plain; same length."""
    if text.isascii():  # the same, faster: only these three of the characters replaced are ASCII
        return text.replace("*", " ").replace("_", " ").replace("`", " ")
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


def word_forms(word: str) -> tuple[str, frozenset[str]]:
    """The literal start of :func:`word_pattern` ``(word)`` and every (lower-case) text it matches."""
    if word.startswith("="):
        w = word[1:].lower()
        return w, frozenset((w,))
    w = word.lower()
    if len(w) <= 2 or w in EXACT_WORDS or not w.isalpha():
        return w, frozenset((w,))
    root = stem(w)
    double = root[-1] if root[-1] not in "aeiouy" else ""
    tails = ("",) + _SUFFIX_LIST + (tuple(double + s for s in _SUFFIX_LIST) if double else ())
    return root, frozenset(root + t for t in tails)


class PhraseError(ValueError):
    """A phrase that does not follow the phrase syntax."""


def phrase_pattern(phrase: str) -> str:
    """The regex (without boundaries) for one phrase; raises PhraseError."""
    return _parse(phrase)[0]


@functools.lru_cache(maxsize=4096)
def _parse(phrase: str) -> tuple[str, tuple[frozenset[str], ...], tuple[str, ...] | None]:
    """The regex for one phrase; its keys: for each word it needs, the stems one of which must occur;
    and the alternatives of its first word (None for ``*``)."""
    text = phrase.translate(_PHRASE_TRANSLATE).strip()
    if not text:
        raise PhraseError("a phrase cannot be empty")
    if text.count("[") != text.count("]") or re.search(r"\[[^\]]*\[", text):
        raise PhraseError(f"unbalanced brackets in {phrase!r}; write optional words as [word], [a|b] or [two words]")
    out = ""
    keys: list[frozenset[str]] = []
    first: tuple[str, ...] | None = None
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
        if not have_word:
            first = words[0][2]
        piece = ""
        for pattern, key, _ in words:
            piece += (SEP if (have_word or piece) else "") + pattern
            if key and not optional:
                keys.append(key)
        if pending_gap:
            piece = _GAP + piece
            pending_gap = False
        out += f"(?:{piece})?" if optional else piece
        have_word = True
    return out, tuple(keys), first


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


def _words(chunk: str, phrase: str) -> list[tuple[str, frozenset[str] | None, tuple[str, ...] | None]]:
    """(pattern, key, alternatives) for the words of a chunk (hyphens inside words separate words, as spaces do)."""
    tokens = [t for t in re.split(r"\s+|(?<=\w)-(?=\w)", chunk) if t]
    if not tokens:
        raise PhraseError(f"empty brackets in {phrase!r}")
    out: list[tuple[str, frozenset[str] | None, tuple[str, ...] | None]] = []
    for tok in tokens:
        if tok == "*":
            out.append((r"[\w']+", None, None))
            continue
        alts = tok.split("|")
        if any(not a or a in ("=", "...", "*") for a in alts):
            raise PhraseError(f"bad word {tok!r} in {phrase!r}: alternatives are words separated by '|'")
        keys = [k for k in map(_key, alts) if k is not None]
        out.append(("(?:" + "|".join(word_pattern(a) for a in alts) + ")",
                    None if len(keys) < len(alts) else frozenset(keys), tuple(alts)))
    return out


_SPLIT_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201c\u201d\u2013\u2014"
_SPLIT = str.maketrans({c: " " for c in _SPLIT_CHARS})
_SPLIT_ASCII = bytes(32 if chr(c) in _SPLIT_CHARS else c for c in range(256))
"""_SPLIT for ASCII text, as a bytes table (the same result, much faster)."""


def words_of(text: str) -> frozenset[str]:
    """The lower-case words of ``text`` (for :meth:`PhraseBook.finditer`)."""
    lower = text.lower()
    if lower.isascii():
        return frozenset(lower.encode().translate(_SPLIT_ASCII).decode().split())
    return frozenset(lower.translate(_SPLIT).split())


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


class _Regexes(Mapping[str, "re.Pattern[str]"]):
    """Regexes by name, each compiled when first used (compiling is most of a PhraseBook's cost)."""

    def __init__(self, sources: dict[str, str]) -> None:
        self._sources = sources
        self._compiled: dict[str, re.Pattern[str]] = {}

    def __getitem__(self, name: str) -> re.Pattern[str]:
        rx = self._compiled.get(name)
        if rx is None:
            rx = self._compiled[name] = re.compile(self._sources[name], re.IGNORECASE)
        return rx

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


_LOCATABLE = re.compile(r"[a-z0-9_']+")
"""First words found by their forms: ASCII word characters only, so a form is a whole word of the text."""
_WORD_BYTES = bytes(c if chr(c) in "_'" or (c < 128 and chr(c).isalnum()) else 32 for c in range(256))
"""Bytes of ASCII text: the characters of words (what [\\w'] matches) kept, every other one a space."""


class PhraseBook:
    """Named phrase lists, compiled.

    Scanning text with one big alternation costs a regex step per branch at every
    word; instead each phrase keeps the word stems it cannot match without, and
    only the phrases whose stems all begin some word of the text are run.

    Each phrase's regex is compiled when it is first run, and in plain (ASCII) text
    it is run only where its first word is: a match starts with a whole word of the
    text that is one of the first word's forms (:func:`word_forms`), since what
    follows the first word in a phrase (a separator, or the end of the phrase) needs
    a non-word character after it. Trying the regex at those words, as ``finditer``
    does (each search from where the last match ended), gives exactly the matches
    of a scan of the whole text. A phrase whose first word is ``*`` or not plain
    ASCII is scanned.
    """

    def __init__(self, lists: Iterable[tuple[str, Iterable[str]]]) -> None:
        sources: dict[str, str] = {}
        self._phrases: list[tuple[str, str, tuple[frozenset[str], ...]]] = []
        """(list name, regex source, keys) per phrase."""
        self._compiled: list[re.Pattern[str] | None] = []
        self._key_roots: list[tuple[tuple[str, ...], ...]] = []
        """Per phrase, its keys as tuples, fewest stems first (so a missing one is found sooner)."""
        self._roots = _PrefixIndex()
        self._cache: dict[str, tuple[str, ...]] = {}
        """word -> stems it begins with, for words that begin a stem."""
        self._seen: set[str] = set()
        """Words looked up already: texts repeat most of their words."""
        self._forms: dict[bytes, list[int]] = {}
        """A (lower-case) form of a first word -> the phrases that start with it."""
        self._by_names: dict[frozenset[str], tuple] = {}
        """:meth:`_lists`, per set of list names."""
        self._unlocated: list[tuple[int, tuple[str, ...] | None]] = []
        """Phrases whose first word is not found by its forms (``*``, or not a plain ASCII word), with
        the ASCII texts one of which starts every match, when there are such texts: scanned."""
        for name, phrases in lists:
            parsed = [_parse(p) for p in dict.fromkeys(phrases)]
            patterns = sorted({pat for pat, _, _ in parsed})
            sources[name] = r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])" if patterns else r"(?!)"
            for pat, keys, first in parsed:
                n = len(self._phrases)
                self._phrases.append((name, rf"(?<![\w'])(?:{pat})(?![\w'])", keys))
                self._compiled.append(None)
                self._key_roots.append(tuple(sorted((tuple(sorted(key)) for key in keys), key=len)))
                for root in {r for key in keys for r in key}:
                    self._roots.add(root, root)
                forms = [word_forms(a) for a in first] if first is not None else []
                if forms and all(_LOCATABLE.fullmatch(lit) for lit, _ in forms):
                    for _, words in forms:
                        for w in words:
                            ns = self._forms.setdefault(w.encode(), [])
                            if n not in ns:
                                ns.append(n)
                else:
                    plain = forms and all(lit.isascii() and lit for lit, _ in forms)
                    self._unlocated.append((n, tuple(lit for lit, _ in forms) if plain else None))
        self.regex: Mapping[str, re.Pattern[str]] = _Regexes(sources)
        """Each list as one regex (for short texts)."""

    def search(self, name: str, text: str) -> re.Match[str] | None:
        """The first match of list ``name`` in ``text``."""
        return self.regex[name].search(text)

    def _regex(self, n: int) -> re.Pattern[str]:
        rx = self._compiled[n]
        if rx is None:
            rx = self._compiled[n] = re.compile(self._phrases[n][1], re.IGNORECASE)
        return rx

    def _lists(self, names: frozenset[str]) -> tuple[dict[bytes, tuple[int, ...]], list[tuple[int, tuple[str, ...] | None]],
                                                    list[int]]:
        """For the phrases of the lists ``names``: first-word form -> phrases; the phrases to scan; all of them."""
        got = self._by_names.get(names)
        if got is None:
            phrases = self._phrases
            forms = {w: kept for w, ns in self._forms.items() if (kept := tuple(n for n in ns if phrases[n][0] in names))}
            got = self._by_names[names] = (forms, [(n, lits) for n, lits in self._unlocated if phrases[n][0] in names],
                                           [n for n, p in enumerate(phrases) if p[0] in names])
        return got

    def _hits(self, words: frozenset[str]) -> set[str]:
        """The stems that begin some word of ``words``."""
        hits: set[str] = set()
        cache = self._cache
        for w in words - self._seen if len(self._seen) < 500_000 else words:  # words not met before
            roots = tuple(self._roots.hits((w,)))
            self._seen.add(w)
            if roots:
                cache[w] = roots  # type: ignore[assignment]
        for w in words & cache.keys():  # only words that begin some phrase's stem
            hits.update(cache[w])
        return hits

    def finditer(self, text: str, names: Iterable[str], words: frozenset[str] | None = None) -> dict[str, list[re.Match[str]]]:
        """The matches in ``text`` of each list in ``names``, in text order."""
        names = frozenset(names)
        forms, unlocated, everyone = self._lists(names)
        phrases = self._phrases
        key_roots = self._key_roots
        lower = text.lower()
        hits: set[str] | None = None
        occurs: dict[tuple[str, ...], bool] = {}

        def passes(n: int) -> bool:  # all the phrase's stems begin some word of the text
            nonlocal hits
            keys = phrases[n][2]
            if not keys:
                return True
            if hits is None:
                hits = self._hits(words_of(text) if words is None else words)
            return all(not hits.isdisjoint(key) for key in keys)

        def may_pass(n: int) -> bool:  # cheaper, and true whenever passes(n) is: a stem begins a word only if it occurs
            if words is not None:
                return True
            for key in key_roots[n]:
                ok = occurs.get(key)
                if ok is None:
                    ok = False
                    for r in key:
                        if r in lower:
                            ok = True
                            break
                    occurs[key] = ok
                if not ok:
                    return False
            return True

        found: list[tuple[int, list[re.Match[str]]]] = []
        scan: list[int] = []
        if text.isascii():
            spaced = b" " + lower.encode().translate(_WORD_BYTES) + b" "  # each word between spaces
            first_words = forms.keys() & spaced.split()
            if first_words:
                located: dict[int, list[int]] = {}
                checked: dict[int, bool] = {}
                for word in first_words:
                    ns = []
                    for n in forms[word]:
                        ok = checked.get(n)
                        if ok is None:
                            ok = checked[n] = may_pass(n)
                        if ok:
                            ns.append(n)
                    if not ns:
                        continue
                    token = b" " + word + b" "
                    starts = []
                    pos = spaced.find(token)
                    while pos >= 0:  # offset pos + 1 in spaced is offset pos in text
                        starts.append(pos)
                        pos = spaced.find(token, pos + 1)
                    for n in ns:
                        located.setdefault(n, []).extend(starts)
                for n, starts in located.items():
                    starts.sort()
                    rx = self._regex(n)
                    matches = []
                    end = 0
                    for pos in starts:  # as finditer would: the next match starts where the last ended
                        if pos >= end:
                            m = rx.match(text, pos)
                            if m is not None:
                                matches.append(m)
                                end = m.end()
                    if matches and passes(n):
                        found.append((n, matches))
            for n, lits in unlocated:
                if lits is not None:  # a match starts with one of lits (ASCII, case-folded)
                    for lit in lits:
                        if lit in lower:
                            break
                    else:
                        continue
                if may_pass(n):
                    scan.append(n)
        else:
            scan = [n for n in everyone if may_pass(n)]
        for n in scan:
            if passes(n):
                matches = list(self._regex(n).finditer(text))
                if matches:
                    found.append((n, matches))
        out: dict[str, list[re.Match[str]]] = {name: [] for name in names}
        if found:
            found.sort(key=lambda f: f[0])
            for n, matches in found:
                out[phrases[n][0]].extend(matches)
            for matches in out.values():
                matches.sort(key=lambda m: (m.start(), -m.end()))
        return out


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


def sentence_around(text: str, start: int, end: int, spans: Iterable[tuple[int, int]] | None = None) -> str:
    """The sentence of ``text`` holding ``start:end`` (``spans``: ``list(sentences(text))``, when known)."""
    for s, e in sentences(text) if spans is None else spans:
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
