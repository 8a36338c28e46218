"""Validation helpers: times, and records built from a document."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from statuskit.model.load import parse_yaml
from statuskit.model.records import ComponentStatus, Kind
from statuskit.model.validate import format_time, parse_time, validate_incident


@pytest.mark.parametrize("text, utc", [
    ("2024-07-31T09:05:00Z", "2024-07-31T09:05:00Z"),
    ("2024-07-31T09:05:00z", "2024-07-31T09:05:00Z"),
    ("2024-07-31T11:05:00+02:00", "2024-07-31T09:05:00Z"),
    ("2024-07-31T04:35:00-0430", "2024-07-31T09:05:00Z"),
    ("2024-07-31T09:05Z", "2024-07-31T09:05:00Z"),
    ("2024-07-31 09:05:00 +00:00", "2024-07-31T09:05:00Z"),
    ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"),
])
def test_parse_time(text, utc):
    assert format_time(parse_time(text)) == utc


@pytest.mark.parametrize("value, message", [
    # both fixes, with what 'Z' means: 'Z' on a local time would move it by an hour or two
    ("2024-07-31T09:05:00", "time '2024-07-31T09:05:00' has no UTC offset; 'Z' means UTC: if the time is UTC, write "
                            "2024-07-31T09:05:00Z; if it is local time, add its offset instead, like "
                            "2024-07-31T09:05:00+01:00 for CET (+02:00 for CEST)"),
    ("2024-07-31", "'2024-07-31' is a date only; write a time and its offset too, like 2024-07-31T09:05:00Z ('Z' "
                   "means UTC) or 2024-07-31T09:05:00+01:00 (local time in CET)"),
    ("2024-07-31T09:05:00.5Z", "time '2024-07-31T09:05:00.5Z' has fractional seconds; use whole seconds"),
    ("2024-02-30T09:05:00Z", "invalid time '2024-02-30T09:05:00Z': day is out of range for month"),
    ("2024-07-31T25:00:00Z", "invalid time '2024-07-31T25:00:00Z': hour must be in 0..23"),
    ("31/07/2024 09:05", "expected a time like 2024-07-31T09:05:00Z, got '31/07/2024 09:05'"),
    (1722416700, "expected a time like 2024-07-31T09:05:00Z, got 1722416700 (a number)"),
    (None, "expected a time like 2024-07-31T09:05:00Z, got nothing"),
    (datetime(2024, 7, 31, 9, 5), "time has no UTC offset; 'Z' means UTC: if the time is UTC, write "
                                  "2024-07-31T09:05:00Z; if it is local time, add its offset instead, like "
                                  "2024-07-31T09:05:00+01:00 for CET (+02:00 for CEST)"),
])
def test_parse_time_refuses(value, message):
    with pytest.raises(ValueError, match=f"^{__import__('re').escape(message)}$"):
        parse_time(value)


def test_aware_datetime_is_accepted():
    assert parse_time(datetime(2024, 7, 31, 9, 5, tzinfo=timezone.utc)) == datetime(2024, 7, 31, 9, 5, tzinfo=timezone.utc)


def incident(text: str, components=("portal", "scheduling")):
    doc, problems = parse_yaml(text.encode(), "x.yml")
    assert problems == []
    return validate_incident(doc, "x", set(components))


def test_valid_incident_record():
    inc, problems = incident("""\
id: x
kind: incident
updates:
  - id: 1
    at: 2024-07-31T11:05:00+02:00
    status: investigating
    title: "  Padded title  "
    impact: major
    components: {scheduling: major_outage, portal: degraded_performance}
    public: "Cafe\\u0301\\r\\nline two"
""")
    assert problems == []
    assert inc.id == "x" and inc.kind is Kind.INCIDENT and inc.file == "x.yml"
    (u,) = inc.updates
    assert u.at == datetime(2024, 7, 31, 9, 5, tzinfo=timezone.utc)
    assert u.title == "Padded title"
    assert list(u.components.items()) == [("scheduling", ComponentStatus.MAJOR_OUTAGE),
                                          ("portal", ComponentStatus.DEGRADED_PERFORMANCE)]
    assert u.public == "Caf\u00e9\nline two"  # NFC, \n line ends
    # the canonical form (what approvals sign) keeps what was written, normalised
    assert dict(u.canonical) == {
        "id": 1, "at": "2024-07-31T09:05:00Z", "status": "investigating", "title": "  Padded title  ",
        "impact": "major", "components": {"scheduling": "major_outage", "portal": "degraded_performance"},
        "public": "Caf\u00e9\nline two",
    }
    assert u.line == 4 and u.field_lines["public"] == 10


def test_wrong_types_are_reported_not_raised():
    inc, problems = incident("""\
id: 7
kind: [incident]
updates: {id: 1}
""")
    assert inc is None
    assert [str(p) for p in problems] == [
        "x.yml:1: id: incident id must be the file name without .yml (lower-case letters, digits and '-'): write id: x, "
        "got 7 (a number)",
        "x.yml:2: kind: kind must be one of: incident, maintenance; got a list",
        "x.yml:3: updates: expected a list of updates (a list), got a mapping",
    ]


@pytest.mark.parametrize("field, value, message", [
    ("title", "true", "updates[0].title: expected title, got true (a boolean)"),
    ("public", "[a, b]", "updates[0].public: expected public text, got a list"),
    ("components", "[scheduling]", "updates[0].components: expected component statuses (component id: status) (a mapping), got a list"),
    ("id", "'1'", "updates[0].id: expected update id 1 (ids are 1, 2, 3, ... in file order, no gaps), got '1'"),
    ("id", "true", "updates[0].id: expected update id 1 (ids are 1, 2, 3, ... in file order, no gaps), got true (a boolean)"),
    ("corrects", "1", "updates[0].corrects: 'corrects' must name an earlier update (there is none before update 1), got 1 (a number)"),
    ("next_update_at", "2024-07-31T09:00:00Z", "updates[0].next_update_at: next update time 2024-07-31T09:00:00Z is before this update (2024-07-31T09:05:00Z)"),
])
def test_update_field_types(field, value, message):
    base = {"id": "1", "at": "2024-07-31T09:05:00Z", "status": "investigating", "title": "T", "impact": "major",
            "public": "x"}
    base[field] = value
    text = "id: x\nkind: incident\nupdates:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items()) + "\n"
    inc, problems = incident(text)
    assert inc is None
    assert message in [str(p).split(": ", 1)[1] for p in problems]


# --- hidden characters, empty list items, facts order -------------------------------------------

def _one_update(extra: str) -> str:
    return ("id: x\nkind: incident\nupdates:\n  - id: 1\n    at: 2024-07-31T09:05:00Z\n"
            "    status: investigating\n    title: T\n    impact: minor\n    public: |\n      Text.\n" + extra)


def _problems(text: str) -> list[str]:
    from statuskit.model.load import parse_yaml
    from statuskit.model.validate import validate_incident

    doc, problems = parse_yaml(text.encode(), "x.yml")
    assert doc is not None, problems
    return [str(p) for p in validate_incident(doc, "x", set())[1]]


@pytest.mark.parametrize("char, kind", [("\\u202e", "a bidirectional-text control"), ("\\u2066", "a bidirectional-text control"),
                                        ("\\e", "a control character"), ("\\u200b", "a zero-width character")])
def test_hidden_characters_in_text_are_refused(char, kind):
    problems = _problems(_one_update(f'    technical: "line one\\nline {char}two"\n'))
    assert len(problems) == 1
    assert problems[0].startswith("x.yml:11: updates[0].technical: technical text contains the invisible character U+")
    assert f"({kind}) on its line 2;" in problems[0]


def test_ordinary_unicode_is_not_hidden():
    # joiners in emoji and scripts, right-to-left marks, tabs: all legitimate
    assert _problems(_one_update('    technical: "Arabic \\u200f and emoji \\U0001F469\\u200d\\u2695\\ufe0f\\tok"\n')) == []


def test_empty_list_items_are_refused():
    assert _problems(_one_update('    data_categories: [names, "  "]\n')) == [
        "x.yml:11: updates[0].data_categories[1]: text is empty"]


def test_contained_before_detected_is_refused():
    assert _problems(_one_update("    detected_at: 2024-07-31T09:00:00Z\n    contained_at: 2024-07-31T08:00:00Z\n")) == [
        "x.yml:12: updates[0].contained_at: contained at 2024-07-31T08:00:00Z, before it was detected "
        "(2024-07-31T09:00:00Z)"]


# --- retractions ----------------------------------------------------------------------------------

def test_retracting_update_1_must_restate_its_title_impact_and_window():
    """A withdrawn update contributes nothing, so what update 1 had to say its retraction says again."""
    text = ("id: x\nkind: maintenance\nupdates:\n  - id: 1\n    at: 2024-07-31T09:05:00Z\n    status: scheduled\n"
            "    title: T\n    impact: maintenance\n    scheduled: {from: 2024-08-01T00:00:00Z, until: 2024-08-01T02:00:00Z}\n"
            "    public: Text.\n  - id: 2\n    at: 2024-07-31T09:10:00Z\n    status: scheduled\n    retracts: 1\n"
            "    public: Withdrawn.\n")
    assert _problems(text) == [
        "x.yml:14: updates[1].retracts: update 1 set the title, so the retracting update must set a new 'title'",
        "x.yml:14: updates[1].retracts: update 1 set the impact, so the retracting update must set 'impact' again "
        "(update 1's is withdrawn with it)",
        "x.yml:14: updates[1].retracts: update 1 set the maintenance window, so the retracting update must set "
        "'scheduled' again (update 1's is withdrawn with it)",
    ]
    fixed = text.replace("    retracts: 1\n", "    retracts: 1\n    title: U\n    impact: maintenance\n"
                         "    scheduled: {from: 2024-08-02T00:00:00Z, until: 2024-08-02T02:00:00Z}\n")
    assert _problems(fixed) == []
