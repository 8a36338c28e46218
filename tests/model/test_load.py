"""The safe YAML loader: what it refuses, how fast, and the line of every field."""

from __future__ import annotations

import time

import pytest

from statuskit.errors import Severity
from statuskit.model.load import MAX_BYTES, MAX_DEPTH, comment_cut_values, parse_yaml, read_yaml


def load(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_yaml(raw, "f.yml")


def refused(text: str | bytes) -> str:
    doc, problems = load(text)
    assert doc is None
    (p,) = problems
    return str(p)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    message = refused(BILLION_LAUGHS)
    assert time.perf_counter() - start < 0.5
    assert message == "f.yml:1: YAML anchor '&a' is not allowed"


def test_large_alias_bomb_is_refused_quickly():
    # many anchors and aliases, close to the size limit
    lines = ["x0: &x0 [lol]"] + [f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}]" for i in range(1, 30_000)]
    text = "\n".join(lines)
    assert len(text) < MAX_BYTES
    start = time.perf_counter()
    assert refused(text) == "f.yml:1: YAML anchor '&x0' is not allowed"
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text, message", [
    ("a: *nowhere\n", "f.yml:1: YAML alias '*nowhere' is not allowed"),
    ("a: 1\nb: &x {c: 1}\n", "f.yml:2: YAML anchor '&x' is not allowed"),
    ("a: !!python/object/apply:os.system [ls]\n", "f.yml:1: a: YAML tag '!!python/object/apply:os.system' is not allowed"),
    ("a: !!python/name:os.system ''\n", "f.yml:1: a: YAML tag '!!python/name:os.system' is not allowed"),
    ("a:\n  b: !foo x\n", "f.yml:2: a.b: YAML tag '!foo' is not allowed"),
    ("a: !<tag:example.com,2024:x> x\n", "f.yml:1: a: YAML tag 'tag:example.com,2024:x' is not allowed"),
    ("a: !!binary aGk=\n", "f.yml:1: a: YAML tag '!!binary' is not allowed"),
    ("a: !!set {x, y}\n", "f.yml:1: a: YAML tag '!!set' is not allowed"),
    ("a: !!omap [{x: 1}]\n", "f.yml:1: a: YAML tag '!!omap' is not allowed"),
    ("!foo a: 1\n", "f.yml:1: YAML tag '!foo' is not allowed"),
    ("a: 1\n<<: {b: 2}\n", "f.yml:2: YAML merge keys ('<<') are not allowed"),
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "f.yml:4: b.c: duplicate key 'c' (first at line 3)"),
    ("a: 1\n'a': 2\n", "f.yml:2: a: duplicate key 'a' (first at line 1)"),
    ("[a]: 1\n", "f.yml:1: mapping keys must be plain scalars"),
    ("~: 1\n", "f.yml:1: mapping keys must be plain scalars"),
    ("a: 1\n---\nb: 2\n", "f.yml:2: only one YAML document per file is allowed"),
    ("a: b: c\n", "f.yml:1: YAML syntax error: the value of 'a' contains ': ' — put the whole value in quotes, like "
                  "a: \"b: c\" (parser: mapping values are not allowed in this context)"),
    ("a: [1, 2\nb: 3\n", "f.yml:2: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1)"),
    ("a: 1\n\tb: 2\n", "f.yml:2: YAML syntax error: this line is indented with a tab — replace the tabs with spaces (YAML "
                       "indents with spaces only) (parser: found a tab character that violates indentation (while "
                       "scanning a plain scalar at line 1))"),
])
def test_refused(text, message):
    assert refused(text) == message


@pytest.mark.parametrize("text, message", [
    # a title with a colon ('&' in it: the anchor check's parser reports the syntax error)
    ("updates:\n  - id: 1\n    title: R&D: portal down\n",
     "f.yml:3: YAML syntax error: the value of 'title' contains ': ' — put the whole value in quotes, like "
     "title: \"R&D: portal down\" (parser: mapping values are not allowed in this context)"),
    # too long or holding a quote to show quoted: the example stands in
    ("public: He said \"wait\": we did\n",
     "f.yml:1: YAML syntax error: the value of 'public' contains ': ' — put the whole value in quotes, like "
     "(\"Title: more\") (parser: mapping values are not allowed in this context)"),
    # no key before the colon on its line: the line continues the one above
    ("updates:\n  - id: 1\n    at: 2024\n     - id: 2\n",
     "f.yml:4: YAML syntax error: this line is indented deeper than it should be, or continues the line above with "
     "': ' — line it up under the field above, or put the whole value in quotes (parser: mapping values are not "
     "allowed in this context)"),
    ("a:\n\t- b\n", "f.yml:2: YAML syntax error: this line is indented with a tab — replace the tabs with spaces "
                   "(YAML indents with spaces only) (parser: found character that cannot start any token)"),
    # a new update not lined up under the first '- id:'
    ("id: x\nupdates:\n  - id: 1\n    at: 2024\n - id: 2\n",
     "f.yml:5: YAML syntax error: this line is not lined up with the lines above — a new update's '- id:' goes exactly "
     "under the first '- id:' (line 3, column 3), and its fields under that update's fields (parser: did not find "
     "expected key (while parsing a block mapping at line 1))"),
    ("updates:\n  - id: 1\n    at: 2024\n   - id: 2\n",
     "f.yml:4: YAML syntax error: this line is not lined up with the lines above — a new update's '- id:' goes exactly "
     "under the first '- id:' (line 2, column 3), and its fields under that update's fields (parser: did not find "
     "expected '-' indicator (while parsing a block collection at line 2))"),
    ("a:\n  b: 1\n c: 2\n", "f.yml:3: YAML syntax error: this line is not lined up with the lines above — indent it "
                          "like the lines of the same level (parser: did not find expected key (while parsing a block "
                          "mapping at line 1))"),
])
def test_syntax_errors_say_the_fix_then_the_parsers_words(text, message):
    assert refused(text) == message


def test_invalid_utf8_names_the_line_and_byte():
    assert refused(b"a: 1\nb: caf\xe9\n") == "f.yml:2: not valid UTF-8 (byte 0xe9 at offset 11)"
    assert refused("a: x\n".encode("utf-16")) == "f.yml:1: not valid UTF-8 (byte 0xff at offset 0)"


def test_size_limit(tmp_path):
    ok = b"a: 1\n" + b"#" * (MAX_BYTES - 6) + b"\n"
    assert len(ok) == MAX_BYTES
    assert load(ok)[0].data == {"a": 1}
    assert refused(ok + b"\n") == f"f.yml: file is {MAX_BYTES + 1} bytes; the limit is 1048576 (1 MiB)"
    path = tmp_path / "big.yml"
    path.write_bytes(ok + b"\n")
    doc, problems = read_yaml(path, "big.yml")
    assert doc is None and [str(p) for p in problems] == [f"big.yml: file is {MAX_BYTES + 1} bytes; the limit is 1048576 (1 MiB)"]


@pytest.mark.parametrize("anchor", ["", "b: &x 1\n"])
def test_deep_nesting_is_refused_without_recursion_error(anchor):
    """Both composers: the C one, and the strict pure-Python one that a file with an anchor goes through."""
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n" + anchor
    if anchor:
        assert refused(ok) == "f.yml:2: YAML anchor '&x' is not allowed"
    else:
        assert load(ok)[1] == []
    for depth in (MAX_DEPTH, 999, 5000):
        assert refused("a: " + "[" * depth + "]" * depth + "\n" + anchor).startswith("f.yml:1: ")


def test_markdown_stars_and_ampersands_take_the_fast_composer(monkeypatch):
    """'*' and '&' in text are not anchors: such files are composed by the C parser (about 20x faster)."""
    from statuskit.model import load as load_mod

    def no_strict(*args, **kwargs):
        raise AssertionError("the strict composer was used")

    monkeypatch.setattr(load_mod, "_StrictLoader", no_strict)
    doc, problems = load("public: |\n  **Update:** R&D * bullets & more\ntitle: '*quoted* &amp'\nx: a*b&c\n")
    assert problems == []
    assert doc.data == {"public": "**Update:** R&D * bullets & more\n", "title": "*quoted* &amp", "x": "a*b&c"}
    with pytest.raises(AssertionError, match="strict composer"):
        load("a: &x 1\n")  # a real anchor still goes the strict way


def test_nesting_message():
    assert refused("a: " + "[" * 60 + "]" * 60) == f"f.yml:1: nested more than {MAX_DEPTH} levels deep"


def test_values_and_lines():
    doc, problems = load("""\
# comment
id: x
at: 2024-07-31T09:05:00Z
n: 3
flag: yes
none:
items:
  - a
  - {b: 1.5}
text: |
  hello
""")
    assert problems == []
    assert doc.data == {"id": "x", "at": "2024-07-31T09:05:00Z", "n": 3, "flag": True, "none": None,
                        "items": ["a", {"b": 1.5}], "text": "hello\n"}
    assert doc.lines[("id",)] == 2
    assert doc.lines[("items", 1)] == 9
    assert doc.lines[("items", 1, "b")] == 9
    assert doc.line(("items", 1, "b", "deeper")) == 9
    assert doc.line(("missing",)) is None
    assert doc.problem(("items", 0), "m").__str__() == "f.yml:8: items[0]: m"


def test_bom_and_empty_files():
    assert load("\ufeffa: 1\n")[0].data == {"a": 1}
    assert load("")[0].data is None
    assert load("# only a comment\n")[0].data is None


def test_ampersand_and_star_in_text_are_fine():
    doc, problems = load("title: R&D *portal* down\ntext: 'a & b'\nq: \"*x\"\n")
    assert problems == []
    assert doc.data == {"title": "R&D *portal* down", "text": "a & b", "q": "*x"}


def test_a_comment_that_cuts_a_value_is_a_warning_with_its_field():
    text = """\
id: x
updates:
  - id: 1
    title: Outage #2 fixed
    components: {portal: major_outage #x
      }
    public: |
      a # b is kept in a block
    note: "q" # a quoted value keeps nothing after it either way
    impact: # major
    tags: [a, 'b', c #d
      ]
"""
    found = comment_cut_values(text.encode(), "f.yml")
    assert all(p.severity is Severity.WARNING and p.rule == "comment-cuts-value" for p in found)
    assert [(p.line, p.field) for p in found] == [
        (4, "updates[0].title"), (5, "updates[0].components.portal"), (10, "updates[0].impact"),
        (11, "updates[0].tags[2]")]
    assert found[0].message == (
        "'#2 fixed' is left out of the value: YAML reads ' #' and the rest of the line as a comment, so the value is "
        "'Outage'; if it belongs to the value, put the whole value in quotes, like \"Outage #2 fixed\"; if it is a "
        "note, move it to a line of its own")
    assert found[2].message.startswith("'# major' is left out: YAML reads ' #' and the rest of the line as a "
                                       "comment, so the value is empty; ")
    assert comment_cut_values(b"a: b #c\nd: [\n", "f.yml") == []  # a syntax error is reported by parse_yaml
    assert comment_cut_values(b"a: b#c\nd: 'e # f'\n", "f.yml") == []
