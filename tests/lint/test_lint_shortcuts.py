"""The lints' shortcuts give exactly what the plain way gives.

Each shortcut skips work that cannot find anything: phrases run only where their
first word is, shape regexes only when a character they need is there, the date
regex only from digits and months. These tests check each one against the plain
computation on many generated texts (fixed seeds, so a failure repeats).
"""

from __future__ import annotations

import random
import re
import string

import pytest

from statuskit.lint import rules as lint_rules
from statuskit.lint.config import PHRASE_LISTS, _compile, default_config
from statuskit.lint.text import PhraseBook, normalise, phrase_pattern, word_forms, word_pattern

SUFFIX_LETTERS = "abcdegilnrsty"


@pytest.mark.parametrize("word", ["resolve", "stop", "guarantee", "priority", "fix", "data", "we", "can't",
                                  "=Fixed", "100%", "24", "seriously", "state", "eliminated"])
def test_word_forms_are_exactly_what_word_pattern_matches(word):
    literal, forms = word_forms(word)
    rx = re.compile(word_pattern(word))
    assert all(rx.fullmatch(f) for f in forms)
    # every literal plus up to four more letters: matched exactly when it is one of the forms
    rng = random.Random(word)
    tails = {"".join(rng.choice(SUFFIX_LETTERS) for _ in range(rng.randint(1, 4))) for _ in range(3000)}
    tails |= {f[len(literal):] for f in forms} | {f[len(literal):] + "s" for f in forms}
    for tail in tails:
        assert bool(rx.fullmatch(literal + tail)) == (literal + tail in forms), literal + tail


def _realise(rng: random.Random, phrase: str) -> str:
    """Text a phrase should match, or nearly: alternatives, inflections, case, emphasis, odd gaps."""
    out = []
    for tok in re.findall(r"\[[^\]]*\]|[^\s\[\]]+", phrase):
        if tok == "...":
            out += [rng.choice(["our", "patient", "not", "any", "of", "the", "very"]) for _ in range(rng.randint(0, 6))]
            continue
        if tok.startswith("[") and rng.random() < 0.5:
            continue
        for w in tok.strip("[]").split():
            w = rng.choice(w.split("|")).lstrip("=")
            w = {"*": "it"}.get(w, w)
            r = rng.random()
            if w.isalpha() and r < 0.3:
                w += rng.choice(["s", "ed", "ing", "d", "ly", "es", "ies", "er", "'s"])
            elif r < 0.4:
                w = w.upper()
            elif r < 0.45:
                w = f"**{w}**"
            out.append(w)
    text = out[0] if out else "x"
    for w in out[1:]:
        text += rng.choice([" "] * 8 + ["\n", "-", "  ", ", ", ". ", "\u2014", "_"]) + w
    return text


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    config = default_config()
    phrases = [p for name in PHRASE_LISTS for p in config.phrases[name]]
    fillers = ["We are investigating.", "Is my data safe?", "If it is fixed soon,", "caf\u00e9 \u2019we\u2019re\u2019",
               "Keep your appointment.", "It's the 24th.", "e.g. 100% sure", "'no data was taken'", "we_have fixed"]
    out = []
    for _ in range(n):
        parts = [_realise(rng, rng.choice(phrases)) if rng.random() < 0.7 else rng.choice(fillers)
                 for _ in range(rng.randint(1, 5))]
        text = rng.choice([" ", "\n", "\n\n", ". "]).join(parts)
        out.append(text if rng.random() < 0.2 else normalise(text))
    return out


def _plain_scan(lists, text: str, names) -> dict[str, list[tuple[int, int]]]:
    """Every phrase's regex over the whole text: what PhraseBook.finditer must give."""
    out = {}
    for name, phrases in lists:
        if name not in names:
            continue
        spans = []
        for p in dict.fromkeys(phrases):
            rx = re.compile(rf"(?<![\w'])(?:{phrase_pattern(p)})(?![\w'])", re.IGNORECASE)
            spans += [m.span() for m in rx.finditer(text)]
        out[name] = sorted(spans, key=lambda s: (s[0], -s[1]))
    return out


def test_finditer_gives_what_a_plain_scan_of_every_phrase_gives():
    config = default_config()
    extra = ["*  happens", "caf\u00e9 is closed", "100% ... up", "e.g. soon", "-fold increase", "=Not fixed"]
    lists = [(name, config.phrases[name] + (tuple(extra) if name == "guarantee" else ())) for name in PHRASE_LISTS]
    book = PhraseBook(lists)
    names = ("no-evidence", "no-impact", "resolved-claim", "resolution-time", "complete-resolution", "guarantee",
             "empty-reassurance")
    found_any = 0
    for text in _texts(1, 400) + ["*It* happens. Caf\u00c9 IS closed; 100% back up. E.g. soon: a -fold increase; not fixed"]:
        got = {name: [m.span() for m in ms] for name, ms in book.finditer(text, names).items()}
        assert got == _plain_scan(lists, text, names), text
        found_any += any(got.values())
    assert found_any > 150  # the texts do exercise the phrases


def test_shapes_to_scan_never_skips_a_shape_the_plain_tests_would_scan():
    classes = str.maketrans({**{c: "a" for c in string.ascii_letters}, **{c: "0" for c in string.digits}})
    hexes = str.maketrans({c: "x" for c in string.hexdigits})

    def plain(text: str) -> list[str]:
        cls, lower = text.translate(classes), text.lower()
        tests = {
            "url": "//" in text, "email": "@" in text or "[at]" in lower,
            "ipv4": "0.0" in cls or "0[.]0" in cls, "ipv6": "::" in text or text.count(":") >= 7,
            "hash": "x" * 32 in text.translate(hexes), "cve": "cve-" in lower,
            "attack": any("T" + d in text for d in string.digits),
            "domain": "a.a" in cls or "0.a" in cls or "[.]" in text or "(.)" in text or "[dot]" in lower,
        }
        return [kind for kind in lint_rules.SHAPES if tests[kind]]

    rng = random.Random(2)
    alphabet = list("aAfxXtT09.[](): /@-cveCVEdo ") + ["\u00e9", "\u0130", "\u212a", "\u0661", "\ud800"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    texts += ["".join(rng.choice("0123456789abcdefx") for _ in range(rng.randint(30, 70))) for _ in range(200)]
    texts += [".".join(rng.choice("1a[]") for _ in range(rng.randint(60, 90))) for _ in range(200)]
    for text in texts:
        assert lint_rules._shapes_to_scan(text) == plain(text), text


def test_indicator_values_are_only_skipped_where_they_cannot_match():
    rng = random.Random(3)
    alphabet = list("abkKsS.[]()dot1 _-") + ["\u017f", "\u00e9", "\u212a", "\u0131"]
    found = 0
    for _ in range(1500):
        values = list(dict.fromkeys("".join(rng.choice(alphabet) for _ in range(rng.randint(4, 8))).lower()
                                    for _ in range(rng.randint(1, 3))))
        literals = lint_rules._Literals(values)
        for _ in range(5):
            text = "".join(rng.choice(alphabet + [" "] * 4) for _ in range(rng.randint(0, 30)))
            if rng.random() < 0.4:
                value = rng.choice(values).upper().replace(".", rng.choice([".", "[.]", "(.)", "[DOT]"]))
                text = text[:5] + value + text[5:]
            if literals.regex.search(text):
                found += 1
                assert literals.may_occur(text), (values, text)
    assert found > 500


def test_has_date_is_the_date_regex():
    rng = random.Random(4)
    pieces = ["24", "1", "2026", "-", "/", ".", " ", "of", "st", "th", "November", "NOV.", "Sept", "x", "_",
              "\u0661\u0662", "\n", "2026-11-24", "24/11/2026", "3.4.26", "M\u00e4rz", "\u017fept", "jan", "(", ":"]
    for compiled in (default_config().compiled, _compile((), ("januar", "m\u00e4rz", "nov", "\u017fept"))):
        for _ in range(20000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
            assert compiled.has_date(text) == bool(compiled.date.search(text)), text
