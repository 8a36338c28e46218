"""Folding: an incident's state after each update, maintenance windows, worst status at T."""

from __future__ import annotations

from datetime import datetime

from statuskit.gate.release import gate
from statuskit.model.fold import fold, is_active, is_upcoming, worst
from statuskit.model.load import parse_yaml
from statuskit.model.records import ComponentStatus as S
from statuskit.model.records import Kind
from statuskit.model.validate import validate_incident


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def incident(updates: str, kind: str = "incident"):
    text = f"id: x\nkind: {kind}\nupdates:\n{updates}"
    doc, problems = parse_yaml(text.encode(), "x.yml")
    assert problems == []
    inc, problems = validate_incident(doc, "x", {"portal", "scheduling", "website"})
    assert problems == [], [str(p) for p in problems]
    return inc


OUTAGE = """\
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Scheduling unavailable
    impact: major
    components: {scheduling: major_outage, portal: degraded_performance}
    public: a
    next_update_at: 2024-07-31T10:00:00Z
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    title: Scheduling and portal unavailable
    components: {portal: partial_outage}
    public: b
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: monitoring
    impact: minor
    components: {scheduling: degraded_performance}
    public: c
"""


def test_title_impact_and_status_fold():
    states = fold(incident(OUTAGE).updates)
    assert [s.title for s in states] == ["Scheduling unavailable", "Scheduling and portal unavailable",
                                         "Scheduling and portal unavailable"]
    assert [s.impact for s in states] == ["major", "major", "minor"]
    assert [s.status for s in states] == ["investigating", "identified", "monitoring"]
    assert [s.update for s in states] == [1, 2, 3]
    assert not any(s.closed for s in states)


def test_component_statuses_fold_and_keep_first_touch_order():
    states = fold(incident(OUTAGE).updates)
    assert [list(s.components.items()) for s in states] == [
        [("scheduling", S.MAJOR_OUTAGE), ("portal", S.DEGRADED_PERFORMANCE)],
        [("scheduling", S.MAJOR_OUTAGE), ("portal", S.PARTIAL_OUTAGE)],
        [("scheduling", S.DEGRADED_PERFORMANCE), ("portal", S.PARTIAL_OUTAGE)],
    ]


def test_next_update_at_is_not_carried_forward():
    states = fold(incident(OUTAGE).updates)
    assert [s.next_update_at for s in states] == [t("2024-07-31T10:00:00Z"), None, None]


def test_resolving_returns_every_touched_component_to_operational():
    inc = incident(OUTAGE + """\
  - id: 4
    at: 2024-07-31T12:00:00Z
    status: resolved
    public: d
""")
    final = fold(inc.updates)[-1]
    assert final.closed
    assert dict(final.components) == {"scheduling": S.OPERATIONAL, "portal": S.OPERATIONAL}


def test_a_resolve_that_names_another_status_keeps_it():
    inc = incident(OUTAGE + """\
  - id: 4
    at: 2024-07-31T12:00:00Z
    status: resolved
    components: {portal: degraded_performance, website: degraded_performance}
    public: d
""")
    final = fold(inc.updates)[-1]
    assert dict(final.components) == {"scheduling": S.OPERATIONAL, "portal": S.DEGRADED_PERFORMANCE,
                                      "website": S.DEGRADED_PERFORMANCE}


def test_postmortem_after_resolve_stays_closed():
    inc = incident(OUTAGE + """\
  - {id: 4, at: 2024-07-31T12:00:00Z, status: resolved, public: d}
  - {id: 5, at: 2024-08-02T12:00:00Z, status: postmortem, public: e}
""")
    states = fold(inc.updates)
    assert states[-1].closed and states[-1].status == "postmortem"
    assert set(states[-1].components.values()) == {S.OPERATIONAL}


REPORTS = """\
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Ransomware
    impact: critical
    public: a
    data_exposure: under_investigation
    data_categories: [appointment details]
    detected_at: 2024-07-31T08:12:00Z
    report:
      summary: First look.
      cves: [CVE-2024-3400]
      attack_techniques: [T1486]
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    public: b
    data_exposure: confirmed
    customer_actions: [{id: reset, text: Reset your password.}]
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: monitoring
    public: c
    report:
      summary: Full report.
      root_cause: A VPN appliance flaw.
    contained_at: 2024-07-31T10:30:00Z
"""


def test_a_report_revision_replaces_the_last_one_whole():
    states = fold(incident(REPORTS).updates)
    assert [s.report_update for s in states] == [1, 1, 3]
    assert states[1].report is states[0].report
    final = states[-1].report
    assert (final.summary, final.root_cause) == ("Full report.", "A VPN appliance flaw.")
    assert final.cves == () and final.attack_techniques == ()  # nothing kept from revision 1


def test_shared_facts_fold_forward():
    states = fold(incident(REPORTS).updates)
    f1, f2, f3 = (s.facts for s in states)
    assert (f1.data_exposure, f1.data_categories, f1.customer_actions) == (
        "under_investigation", ("appointment details",), None)
    assert (f2.data_exposure, f2.data_categories) == ("confirmed", ("appointment details",))
    assert [a.id for a in f2.customer_actions] == ["reset"]
    assert f3.data_exposure == "confirmed" and [a.id for a in f3.customer_actions] == ["reset"]
    assert (f3.detected_at, f3.contained_at) == (t("2024-07-31T08:12:00Z"), t("2024-07-31T10:30:00Z"))


def test_retracted_updates_contribute_nothing():
    states = fold(incident(REPORTS).updates, retracted={3})
    assert states[-1] == states[1]  # the state before the retracted update stands
    assert states[-1].status == "identified" and states[-1].update == 2
    assert states[-1].report_update == 1 and states[-1].facts.contained_at is None


def test_a_retracted_update_s_status_impact_components_and_promise_are_withdrawn():
    states = fold(incident(OUTAGE).updates, retracted={2})
    assert states[1] == states[0]
    final = states[-1]
    assert final.title == "Scheduling unavailable"  # not update 2's title
    assert final.components == {"scheduling": S.DEGRADED_PERFORMANCE, "portal": S.DEGRADED_PERFORMANCE}
    assert (final.status, final.impact, final.update) == ("monitoring", "minor", 3)
    states = fold(incident(OUTAGE).updates, retracted={1})
    assert states[0].title == "" and states[0].next_update_at is None and states[0].components == {}
    assert states[1].impact == "none" and states[1].components == {"portal": S.PARTIAL_OUTAGE}


# --- maintenance windows --------------------------------------------------------------------

WINDOW = """\
  - id: 1
    at: 2024-08-01T09:00:00Z
    status: scheduled
    title: Portal upgrade
    impact: maintenance
    scheduled: {from: 2024-08-03T02:00:00Z, until: 2024-08-03T04:00:00Z}
    components: {portal: under_maintenance}
    public: a
"""
STARTED_EARLY = """\
  - {id: 2, at: 2024-08-03T01:30:00Z, status: in_progress, public: b}
"""
COMPLETED = """\
  - {id: 3, at: 2024-08-03T03:00:00Z, status: completed, public: c}
"""


def where(inc, at: str) -> tuple[bool, bool]:
    """(active, upcoming) at ``at``, with the updates published by then."""
    shown = [u for u in inc.updates if u.at <= t(at)]
    state = fold(shown)[-1]
    return is_active(inc.kind, shown, state, t(at)), is_upcoming(inc.kind, shown, state, t(at))


def test_maintenance_upcoming_then_active_then_auto_ends_at_the_window_end():
    inc = incident(WINDOW, "maintenance")
    assert where(inc, "2024-08-01T09:00:00Z") == (False, True)
    assert where(inc, "2024-08-03T01:59:59Z") == (False, True)
    assert where(inc, "2024-08-03T02:00:00Z") == (True, False)
    assert where(inc, "2024-08-03T03:59:59Z") == (True, False)
    assert where(inc, "2024-08-03T04:00:00Z") == (False, False)  # nobody completed it: the window closes it
    assert not fold(inc.updates)[-1].closed


def test_maintenance_started_early_and_completed_early():
    inc = incident(WINDOW + STARTED_EARLY + COMPLETED, "maintenance")
    assert where(inc, "2024-08-03T01:29:59Z") == (False, True)
    assert where(inc, "2024-08-03T01:30:00Z") == (True, False)
    assert where(inc, "2024-08-03T02:59:59Z") == (True, False)
    assert where(inc, "2024-08-03T03:00:00Z") == (False, False)
    final = fold(inc.updates)[-1]
    assert final.closed and dict(final.components) == {"portal": S.OPERATIONAL}


def test_incidents_are_active_until_resolved():
    inc = incident(OUTAGE + "  - {id: 4, at: 2024-07-31T12:00:00Z, status: resolved, public: d}\n")
    assert where(inc, "2024-07-31T09:00:00Z") == (True, False)
    assert where(inc, "2024-07-31T11:59:59Z") == (True, False)
    assert where(inc, "2024-07-31T12:00:00Z") == (False, False)
    assert inc.kind is Kind.INCIDENT


def test_worst_status_order():
    order = [S.OPERATIONAL, S.UNDER_MAINTENANCE, S.DEGRADED_PERFORMANCE, S.PARTIAL_OUTAGE, S.MAJOR_OUTAGE]
    for i, s in enumerate(order):
        assert worst(order[: i + 1]) is s
        assert worst(reversed(order[: i + 1])) is s
    assert worst([]) is S.OPERATIONAL


# --- current status at T through the gate (approved content) -----------------------------------

def _published_site(make_site):
    site = make_site({
        "a-partial": """\
id: a-partial
kind: incident
updates:
  - {id: 1, at: 2024-08-03T01:00:00Z, status: investigating, title: A, impact: minor, public: a,
     components: {scheduling: partial_outage, website: degraded_performance}}
""",
        "b-major": """\
id: b-major
kind: incident
updates:
  - {id: 1, at: 2024-08-03T01:10:00Z, status: investigating, title: B, impact: major, public: b,
     components: {scheduling: major_outage, patient-portal: degraded_performance}}
  - {id: 2, at: 2024-08-03T05:00:00Z, status: resolved, public: fixed}
""",
        "c-maintenance": """\
id: c-maintenance
kind: maintenance
updates:
  - {id: 1, at: 2024-08-01T09:00:00Z, status: scheduled, title: C, impact: maintenance, public: c,
     scheduled: {from: 2024-08-03T02:00:00Z, until: 2024-08-03T04:00:00Z},
     components: {patient-portal: under_maintenance, website: under_maintenance}}
""",
    })
    site.approve_all()
    return site.load()


def statuses(content, at: str) -> dict[str, S]:
    release, _ = gate(content, t(at))
    return {c.id: c.status for c in release.components}


def test_worst_status_across_open_incidents_and_maintenance(make_site):
    content = _published_site(make_site)
    # before the window: the upcoming maintenance changes nothing
    assert statuses(content, "2024-08-03T01:30:00Z") == {
        "patient-portal": S.DEGRADED_PERFORMANCE, "scheduling": S.MAJOR_OUTAGE, "website": S.DEGRADED_PERFORMANCE}
    # in the window: under_maintenance only where nothing worse is set
    assert statuses(content, "2024-08-03T03:00:00Z") == {
        "patient-portal": S.DEGRADED_PERFORMANCE, "scheduling": S.MAJOR_OUTAGE, "website": S.DEGRADED_PERFORMANCE}
    # after B resolves and the window ended: only A's statuses remain
    assert statuses(content, "2024-08-03T05:00:00Z") == {
        "patient-portal": S.OPERATIONAL, "scheduling": S.PARTIAL_OUTAGE, "website": S.DEGRADED_PERFORMANCE}


def test_maintenance_alone_shows_under_maintenance_only_in_its_window(make_site):
    site = make_site({"c-maintenance": """\
id: c-maintenance
kind: maintenance
updates:
  - {id: 1, at: 2024-08-01T09:00:00Z, status: scheduled, title: C, impact: maintenance, public: c,
     scheduled: {from: 2024-08-03T02:00:00Z, until: 2024-08-03T04:00:00Z},
     components: {patient-portal: under_maintenance}}
"""})
    site.approve_all()
    content = site.load()
    assert statuses(content, "2024-08-03T01:59:59Z")["patient-portal"] is S.OPERATIONAL
    assert statuses(content, "2024-08-03T02:00:00Z")["patient-portal"] is S.UNDER_MAINTENANCE
    assert statuses(content, "2024-08-03T04:00:00Z")["patient-portal"] is S.OPERATIONAL
    release, _ = gate(content, t("2024-08-03T01:00:00Z"))
    (m,) = release.incidents
    assert (m.active, m.upcoming) == (False, True)
    release, _ = gate(content, t("2024-08-03T03:00:00Z"))
    assert (release.incidents[0].active, release.incidents[0].upcoming) == (True, False)
    assert release.overall.description == "Service Under Maintenance"
