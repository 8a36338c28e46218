"""Validation of input that looks valid: whole-value ASCII matches, times at the ends of the range, one-line titles."""

from __future__ import annotations

import re

import pytest

from statuskit.model.load import parse_yaml
from statuskit.model.validate import format_time, parse_time, validate_components, validate_incident

UPDATE = """\
id: x
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Scheduling unavailable
    impact: major
    public: We are investigating.
"""


def problems_of(extra: str) -> list[str]:
    doc, problems = parse_yaml((UPDATE + extra).encode(), "x.yml")
    assert problems == []
    inc, problems = validate_incident(doc, "x", {"portal"})
    return [str(p) for p in problems]


@pytest.mark.parametrize("extra, expected", [
    # $ accepted a trailing line feed; \d accepted every script's digits
    ('    report:\n      references: ["https://example.org/advisory\\n"]\n',
     "x.yml:11: updates[0].report.references[0]: 'https://example.org/advisory\\n' is not an http(s) URL"),
    ('    report:\n      cves: ["CVE-２０２４-3400"]\n',
     "x.yml:11: updates[0].report.cves[0]: 'CVE-２０２４-3400' is not a CVE id like CVE-2024-3400"),
    ('    report:\n      cves: ["CVE-2024-3400\\n"]\n',
     "x.yml:11: updates[0].report.cves[0]: 'CVE-2024-3400\\n' is not a CVE id like CVE-2024-3400"),
    ('    report:\n      attack_techniques: ["T١٤٨٦"]\n',
     "x.yml:11: updates[0].report.attack_techniques[0]: 'T١٤٨٦' is not an ATT&CK technique id like T1486 or T1566.001"),
    ('    acknowledge: ["public-technical-detail\\n"]\n',
     "x.yml:10: updates[0].acknowledge[0]: 'public-technical-detail\\n' is not a rule id like 'public-technical-detail'"),
    ('    customer_actions: [{id: "reset\\n", text: Reset your password.}]\n',
     "x.yml:10: updates[0].customer_actions[0].id: action id must match ^[a-z0-9][a-z0-9-]{0,79}$ (lower-case letters, "
     "digits, '-'), got 'reset\\n'"),
])
def test_whole_ascii_matches(extra, expected):
    assert problems_of(extra) == [expected]


def test_component_id_with_a_trailing_line_feed_is_refused():
    doc, _ = parse_yaml(b'components:\n  - id: "portal\\n"\n    name: Portal\n', "components.yml")
    _, problems = validate_components(doc)
    assert [str(p) for p in problems] == [
        "components.yml:2: components[0].id: component id must match ^[a-z0-9][a-z0-9-]{0,79}$ (lower-case "
        "letters, digits, '-'), got 'portal\\n'"]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-01:00",
                                   "1969-12-31T23:59:59Z", "1970-01-01T00:30:00+01:00", "0999-05-06T07:08:09Z"])
def test_times_out_of_range_in_utc(value):
    message = (f"time {value!r} is out of range: in UTC it must lie between 1970-01-01T00:00:00Z and "
               "9999-12-31T23:59:59Z; write a real date, like 2024-07-31T09:05:00Z")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_time(value)


@pytest.mark.parametrize("value, utc", [
    ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ("9999-12-31T23:59:59+23:59", "9999-12-31T00:00:59Z"),
    ("1970-01-01T01:00:00+01:00", "1970-01-01T00:00:00Z"),
])
def test_times_at_the_ends_of_the_range(value, utc):
    assert format_time(parse_time(value)) == utc


@pytest.mark.parametrize("value", ["２０２４-07-31T09:05:00Z", "2024-07-31T0٩:05:00Z"])
def test_times_in_other_digits_are_refused(value):
    with pytest.raises(ValueError, match="^expected a time like 2024-07-31T09:05:00Z, got "):
        parse_time(value)


@pytest.mark.parametrize("title, lines", [
    ('"Outage\\n\\n#### Approved by"', 3),
    ("|\n      Outage\n      | Approved by | Communications (alice) |", 2),
])
def test_titles_are_one_line(title, lines):
    assert problems_of(f"  - id: 2\n    at: 2024-07-31T10:00:00Z\n    status: identified\n    title: {title}\n"
                       "    public: Found.\n") == [
        f"x.yml:13: updates[1].title: a title is one line, but this one has {lines} lines: join them (in YAML, "
        "write it on one line or use '>-' to fold lines into one)"]


def test_a_folded_title_and_a_trailing_line_feed_are_one_line():
    assert problems_of("  - id: 2\n    at: 2024-07-31T10:00:00Z\n    status: identified\n    title: >\n"
                       "      A folded title\n      on one line\n    public: Found.\n") == []
    assert problems_of('  - id: 2\n    at: 2024-07-31T10:00:00Z\n    status: identified\n    title: "Ends\\n"\n'
                       "    public: Found.\n") == []
