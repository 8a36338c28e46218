"""The phrase syntax and the normaliser behind the lints."""

from __future__ import annotations

import pytest

from statuskit.lint.text import PhraseBook, PhraseError, line_of, normalise, phrase_pattern


def found(phrase: str, text: str) -> list[str]:
    book = PhraseBook([("x", [phrase])])
    norm = normalise(text)
    return [text[m.start():m.end()] for m in book.finditer(norm, ["x"])["x"]]


@pytest.mark.parametrize("phrase,text,expected", [
    ("resolve", "Resolves, resolved, RESOLVING, resolute", ["Resolves", "resolved", "RESOLVING"]),
    ("guarantee", "guaranteed guarantees guaranteeing", ["guaranteed", "guarantees", "guaranteeing"]),
    ("stop", "stopped stopping stops", ["stopped", "stopping", "stops"]),
    ("priority", "our priorities", ["priorities"]),
    ("no risk", "No\n   risk, not nor risk", ["No\n   risk"]),
    ("fixed|resolved soon", "resolved soon, fixed soon", ["resolved soon", "fixed soon"]),
    ("is [now] [fully|completely] fixed", "is fixed; is now completely fixed", ["is fixed", "is now completely fixed"]),
    ("within [the next] hour", "within the next hour, within hour", ["within the next hour", "within hour"]),
    ("no ... data ... affected", "no patient or staff data was affected", ["no patient or staff data was affected"]),
    ("no ... data ... affected", "no data was not affected", []),
    ("no ... data ... affected", "no data, we think, was affected", []),
    ("take * seriously", "we take this seriously; we take it very seriously", ["take this seriously"]),
    ("=not", "not nothing", ["not"]),
    ("we're", "We\u2019re here", ["We\u2019re"]),
    ("state-of-the-art", "state of the art, state-of-the-art", ["state of the art", "state-of-the-art"]),
    ("fully resolved", "**fully** _resolved_", ["fully** _resolved"]),
])
def test_phrase_matching(phrase, text, expected):
    assert found(phrase, text) == expected


@pytest.mark.parametrize("phrase,message", [
    ("", "a phrase cannot be empty"),
    ("... at start", "'...' must stand between two words"),
    ("at end ...", "'...' must stand between two words"),
    ("a ... ... b", "two '...' in a row"),
    ("[optional] first", "cannot start with an optional word"),
    ("unbalanced [word", "unbalanced brackets"),
    ("bad || alternatives", "bad word"),
])
def test_phrase_errors(phrase, message):
    with pytest.raises(PhraseError, match=message.replace("[", r"\[").replace(".", r"\.")):
        phrase_pattern(phrase)


def test_normalise_keeps_offsets():
    text = "It\u2019s \u201cfine\u201d \u2014 **really**"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "It's \"fine\" -   really  "


def test_line_of_a_block_and_a_single_line():
    assert line_of("first\nsecond\nthird\n", 8, 10) == 12
    assert line_of("one line", 4, 10) == 10
    assert line_of("one line", 4, None) is None
