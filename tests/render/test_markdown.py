"""Tests for statuskit.render.markdown: safe HTML from the content's Markdown."""

from __future__ import annotations

import random

import pytest

from statuskit.render import markdown as md
from statuskit.render.markdown import render_markdown


@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
    ("[x](data:text/html,hi)", "<p><a>x</a></p>"),
    ("![alt](https://cdn.example/x.png)", "<p></p>"),
    ("[ok](https://example.org/a)", '<p><a href="https://example.org/a" rel="nofollow noopener">ok</a></p>'),
    ("[mail](mailto:help@example.org)", '<p><a href="mailto:help@example.org" rel="nofollow noopener">mail</a></p>'),
    ("[rel](../history/)", '<p><a href="../history/">rel</a></p>'),
    ("**bold** and `code`", "<p><strong>bold</strong> and <code>code</code></p>"),
])
def test_content_markdown_is_sanitised(text, expected):
    assert render_markdown(text) == expected


def test_blank_text_renders_nothing():
    assert render_markdown(None) == "" and render_markdown(" \n") == ""


def _slow(text: str) -> str:
    """The full pipeline without the plain-prose shortcut."""
    return md.nh3.clean(md._slow_path(text), tags=md._TAGS, attributes=md._ATTRIBUTES, url_schemes=md._SCHEMES,
                        link_rel=None, strip_comments=True)


def test_plain_prose_shortcut_gives_the_same_html():
    rng = random.Random(7)
    alphabet = list("ab XY é–.,;:'\"?!()%/+-019\n") + ["\n\n", "\n\n\n", "  ", "1. ", "- ", "* ", "# ", "_", "&",
                                                    "<b>", "`", "\xa0", "\u2003", "\t", "> ", "=", "|"]
    shortcut = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        if not text.strip():
            continue
        fast = md._fast_path(text)
        if fast is not None:
            shortcut += 1
            assert md.nh3.clean(fast, tags=md._TAGS, attributes=md._ATTRIBUTES, url_schemes=md._SCHEMES,
                                link_rel=None, strip_comments=True) == _slow(text), repr(text)
    assert shortcut > 1000  # the shortcut is taken often enough to matter


@pytest.mark.parametrize("text", ["Two paragraphs.\n\nSecond one, with 3,400 requests (04:10 UTC).",
                                  "Line one\nline two"])
def test_plain_prose_takes_the_shortcut(text):
    assert md._fast_path(text) is not None
    assert render_markdown(text) == _slow(text)


# --- plain text (the JSON API's body) ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # the YAML's line wraps are soft breaks: one paragraph, one line
    ("We are still\ninvestigating the\noutage.\n", "We are still investigating the outage."),
    ("One.\n\nTwo\nlines.\n\n\nThree.", "One.\n\nTwo lines.\n\nThree."),
    ("Please **do not** call, *wait* or `retry`.", "Please do not call, wait or retry."),
    ("See [our advice](https://example.org/advice) or <https://example.org/>.",
     "See our advice (https://example.org/advice) or https://example.org/."),
    ("Write to [help@example.org](mailto:help@example.org).", "Write to help@example.org."),
    ("During this time:\n\n- you cannot\n  sign in;\n- book.\n\nThanks.",
     "During this time:\n\n- you cannot sign in;\n- book.\n\nThanks."),
    ("1. first\n2. second\n    - nested", "1. first\n2. second\n  - nested"),
    ("Hard  \nbreak", "Hard\nbreak"),
    ("<b>not HTML</b> & more", "<b>not HTML</b> & more"),
    ("```\ncode  kept\n  as is\n```", "code  kept\n  as is"),
    ("", ""), (None, ""),
])
def test_render_plain(text, expected):
    assert md.render_plain(text) == expected
