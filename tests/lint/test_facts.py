"""Shared facts on an update: validation, the digest, and folding forward."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from statuskit.gate.digest import digest
from statuskit.model.fold import fold
from statuskit.model.load import parse_yaml
from statuskit.model.records import CustomerAction, Facts
from statuskit.model.validate import validate_incident

from linttools import COMPONENTS, FILE, INCIDENT_ID, incident, load, update

FACTS = """
detected_at: 2026-11-24T08:41:00+02:00
contained_at: 2026-11-24T14:20:00Z
data_exposure: under_investigation
data_categories: [names, dates of birth]
affected_customers: "Patients with appointments in November."
customer_actions:
  - id: reset-password
    text: "  Choose a new password the next time you sign in.  "
"""


def problems_of(yaml_text: str) -> list[str]:
    doc, problems = parse_yaml(yaml_text.encode(), FILE)
    assert doc is not None
    inc, problems = validate_incident(doc, INCIDENT_ID, COMPONENTS)
    assert inc is None
    return [str(p) for p in problems]


def test_facts_are_typed_and_normalised():
    inc = load(incident(update(1, "investigating", public="We are investigating.", extra=FACTS)))
    f = inc.updates[0].facts
    assert f == Facts(
        data_exposure="under_investigation",
        data_categories=("names", "dates of birth"),
        customer_actions=(CustomerAction("reset-password", "Choose a new password the next time you sign in."),),
        affected_customers="Patients with appointments in November.",
        detected_at=datetime(2026, 11, 24, 6, 41, tzinfo=timezone.utc),
        contained_at=datetime(2026, 11, 24, 14, 20, tzinfo=timezone.utc),
    )
    canonical = inc.updates[0].canonical
    assert canonical["detected_at"] == "2026-11-24T06:41:00Z"
    assert canonical["customer_actions"] == [
        {"id": "reset-password", "text": "  Choose a new password the next time you sign in.  "}]


def test_an_update_without_facts_has_empty_facts():
    inc = load(incident(update(1, "investigating", public="We are investigating.")))
    assert inc.updates[0].facts.is_empty()
    assert "data_exposure" not in inc.updates[0].canonical


def test_facts_are_covered_by_the_digest():
    a = load(incident(update(1, "resolved", public="Fixed.", extra=FACTS)))
    b = load(incident(update(1, "resolved", public="Fixed.", extra=FACTS.replace("a new password", "a strong password"))))
    c = load(incident(update(1, "resolved", public="Fixed.", extra=FACTS.replace("under_investigation", "confirmed"))))
    assert len({digest(a.updates[0]), digest(b.updates[0]), digest(c.updates[0])}) == 3


def test_the_security_incident_flag_is_signed_folds_forward_and_is_not_shown():
    plain = load(incident(update(1, "resolved", public="Fixed.")))
    flagged = load(incident(update(1, "resolved", public="Fixed.", extra="security_incident: true"),
                            update(2, "postmortem", public="The report.")))
    unflagged = load(incident(update(1, "resolved", public="Fixed.", extra="security_incident: false")))
    assert flagged.updates[0].canonical["security_incident"] is True
    assert len({digest(plain.updates[0]), digest(flagged.updates[0]), digest(unflagged.updates[0])}) == 3
    assert fold(flagged.updates)[1].facts.security_incident is True
    assert flagged.updates[0].facts.is_empty()  # no "Key facts" section for the flag alone


@pytest.mark.parametrize("extra,message", [
    ("security_incident: 1",
     f"{FILE}:9: updates[0].security_incident: expected true or false (is this a security incident?), "
     f"got 1 (a number)"),
    ("data_exposure: confirmd",
     f"{FILE}:9: updates[0].data_exposure: data_exposure 'confirmd' is not one of: none, under_investigation, "
     f"confirmed; did you mean 'confirmed'?"),
    ("data_exposure: no",
     f"{FILE}:9: updates[0].data_exposure: data_exposure must be one of: none, under_investigation, confirmed; "
     f"got false (a boolean)"),
    ("data_categories: names",
     f"{FILE}:9: updates[0].data_categories: expected a list of data categories (a list), got 'names'"),
    ("affected_customers: ''", f"{FILE}:9: updates[0].affected_customers: affected customers is empty"),
    ("detected_at: 2026-11-24T08:41:00",
     f"{FILE}:9: updates[0].detected_at: time '2026-11-24T08:41:00' has no UTC offset; 'Z' means UTC: if the time "
     "is UTC, write 2026-11-24T08:41:00Z; if it is local time, add its offset instead, like 2026-11-24T08:41:00+01:00 "
     "for CET (+02:00 for CEST)"),
    ("customer_actions:\n  - {id: Reset, text: Do it.}",
     f"{FILE}:10: updates[0].customer_actions[0].id: action id must match ^[a-z0-9][a-z0-9-]{{0,79}}$ "
     f"(lower-case letters, digits, '-'), got 'Reset'"),
    ("customer_actions:\n  - {id: reset}",
     f"{FILE}:10: updates[0].customer_actions[0].text: required action text is missing"),
    ("customer_actions:\n  - {id: reset, text: Do it., url: x}",
     f"{FILE}:10: updates[0].customer_actions[0].url: unknown key 'url' in a customer action; expected one of: id, text"),
    ("customer_actions:\n  - {id: reset, text: Do it.}\n  - {id: reset, text: Again.}",
     f"{FILE}:11: updates[0].customer_actions[1].id: customer action 'reset' is listed twice"),
])
def test_bad_facts_name_file_line_and_field(extra, message):
    assert problems_of(incident(update(1, "resolved", public="Fixed.", extra=extra))) == [message]


def test_facts_fold_forward_field_by_field():
    inc = load(incident(
        update(1, "investigating", public="Investigating.", extra=FACTS),
        update(2, "identified", public="Found it.", extra="data_exposure: confirmed"),
        update(3, "monitoring", public="Watching.", extra="customer_actions: []\ndata_categories: [names]"),
    ))
    s1, s2, s3 = (s.facts for s in fold(inc.updates))
    assert s1.data_exposure == "under_investigation"
    assert (s2.data_exposure, s2.data_categories, s2.affected_customers) == (
        "confirmed", ("names", "dates of birth"), "Patients with appointments in November.")
    assert s2.customer_actions == s1.customer_actions
    assert s3.customer_actions == ()  # an empty list clears what was set before
    assert s3.data_categories == ("names",)
    assert s3.detected_at == s1.detected_at and s3.data_exposure == "confirmed"


def test_a_retracted_update_s_facts_are_withdrawn():
    inc = load(incident(
        update(1, "investigating", public="Investigating.", extra="data_exposure: none"),
        update(2, "identified", public="Data was taken.", extra="data_exposure: confirmed\ndata_categories: [names]"),
        update(3, "identified", public="Our last update was wrong.", extra="retracts: 2"),
    ))
    states = fold(inc.updates, retracted={2})
    assert states[1].facts.data_exposure == "none"
    assert states[2].facts == Facts(data_exposure="none")
    assert states[2].status == "identified"
