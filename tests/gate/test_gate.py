"""Tests for statuskit.gate.release: the publication rule (content-format.md).

Approvals are real SSH signatures (alice for comms, bob for security). Secrets are
marked with unique strings, and every Release is searched for them through every
field of every object (``repr`` hides some fields, so both are checked).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from collections.abc import Mapping

import pytest

from statuskit.workflow.checks import run_check
from statuskit.gate.release import gate
from statuskit.model.records import ComponentStatus

INC = "2024-07-31-scheduling-outage"
T = datetime(2024, 8, 1, tzinfo=timezone.utc)


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


THREE = """\
id: {id}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    components:
      scheduling: major_outage
    public: |
      We are investigating. MARK-U1
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
{extra2}    public: |
      We found the cause. MARK-U2
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: resolved
{extra3}    public: |
      Fixed. MARK-U3
"""


def three(extra2: str = "", extra3: str = "", iid: str = INC) -> str:
    return THREE.format(id=iid, extra2=extra2, extra3=extra3)


def walk_strings(obj, seen=None):
    """Every string reachable from ``obj``: dataclass fields (repr=False ones too), mappings, sequences."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, bytes):
        yield obj.decode("utf-8", "replace")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from walk_strings(getattr(obj, f.name), seen)
        for v in getattr(obj, "__dict__", {}).values():  # cached extras
            yield from walk_strings(v, seen)
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from walk_strings(k, seen)
            yield from walk_strings(v, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            yield from walk_strings(v, seen)


def assert_absent(release, *markers: str) -> None:
    text = repr(release)
    strings = list(walk_strings(release))
    for m in markers:
        assert m not in text, f"{m!r} in repr(release)"
        assert not any(m in s for s in strings), f"{m!r} reachable from the Release"


def assert_present(release, marker: str) -> None:
    assert any(marker in s for s in walk_strings(release)), f"{marker!r} not in the Release"


def ids(release, iid: str = INC) -> list[int]:
    try:
        return [u.id for u in release.incident(iid).updates]
    except KeyError:
        return []


def held(report) -> list[tuple]:
    return [(h.incident, h.update, h.reason) for h in report.held]


# --- rule 1 and 2: approved prefix --------------------------------------------------

def test_all_approved_all_published(make_site):
    s = make_site({INC: three()})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2, 3]
    assert report.held == () and report.next_change is None
    inc = release.incident(INC)
    assert [u.approved_by for u in inc.updates] == [("comms", "security")] * 3
    assert dict(release.team_names) == {"comms": "Communications", "security": "Security"}
    assert inc.title == "Appointment scheduling unavailable" and inc.closed and not inc.active
    assert_present(release, "MARK-U3")


def test_unapproved_update_2_holds_back_approved_3(make_site):
    s = make_site({INC: three()})
    s.approve_all()
    for f in (s.root / "approvals" / INC / "2").iterdir():
        f.unlink()
    s.approve(INC, 2, "comms", "alice")
    release, report = gate(s.load(), T)
    assert report.approvals[(INC, 3)].approved
    assert ids(release) == [1]
    assert held(report) == [(INC, 2, "unapproved"), (INC, 3, "after-held")]
    assert [h.detail for h in report.held] == ["missing approval from: security", "waits for update 2"]
    assert [h.until for h in report.held] == [None, None]
    assert_absent(release, "MARK-U2", "MARK-U3")
    # the component status is that of update 1: the resolution is not public yet
    assert {c.id: c.status for c in release.components}["scheduling"] is ComponentStatus.MAJOR_OUTAGE
    assert release.incident(INC).active


def test_incident_without_approved_update_1_does_not_exist(make_site):
    s = make_site({INC: three(), "2024-07-30-other": three(iid="2024-07-30-other").replace("MARK-", "OTHER-")})
    s.approve_all()
    for f in (s.root / "approvals" / INC / "1").iterdir():
        f.unlink()
    release, report = gate(s.load(), T)
    assert [i.id for i in release.incidents] == ["2024-07-30-other"]
    with pytest.raises(KeyError):
        release.incident(INC)
    assert held(report) == [(INC, 1, "unapproved"), (INC, 2, "after-held"), (INC, 3, "after-held")]
    assert report.held[0].detail == "missing approval from: comms, security"
    # nothing of it anywhere, and it does not affect component status
    assert_absent(release, "MARK-U1", "MARK-U2", "MARK-U3", INC)
    assert all(c.status is ComponentStatus.OPERATIONAL for c in release.components)


# --- rule 2: times and whole-update embargoes ---------------------------------------

@pytest.mark.parametrize("at, expected, reason, next_change", [
    ("2024-07-31T09:04:59Z", [], (1, "scheduled"), "2024-07-31T09:05:00Z"),
    ("2024-07-31T09:05:00Z", [1], (2, "scheduled"), "2024-07-31T10:00:00Z"),
    ("2024-07-31T10:59:59Z", [1, 2], (3, "scheduled"), "2024-07-31T11:00:00Z"),
    ("2024-07-31T11:00:00Z", [1, 2, 3], None, None),
])
def test_an_update_waits_for_its_own_time(make_site, at, expected, reason, next_change):
    s = make_site({INC: three()})
    s.approve_all()
    release, report = gate(s.load(), utc(at))
    assert ids(release) == expected
    if reason:
        h = report.held[0]
        assert (h.update, h.reason, h.detail) == (*reason, "its time is in the future")
        assert h.until == utc(next_change)
        assert [x.reason for x in report.held[1:]] == ["after-held"] * (len(report.held) - 1)
    else:
        assert report.held == ()
    assert report.next_change == (utc(next_change) if next_change else None)


EMBARGO = "    embargo_until: 2024-08-02T00:00:00Z\n"


@pytest.mark.parametrize("at, expected", [
    ("2024-08-01T23:59:59Z", [1]),
    ("2024-08-02T00:00:00Z", [1, 2, 3]),
    ("2024-08-02T00:00:00+02:00", [1]),
])
def test_whole_update_embargo(make_site, at, expected):
    s = make_site({INC: three(extra2=EMBARGO)})
    s.approve_all()
    release, report = gate(s.load(), utc(at))
    assert ids(release) == expected
    if expected == [1]:
        assert held(report) == [(INC, 2, "embargoed"), (INC, 3, "after-held")]
        assert report.held[0].until == utc("2024-08-02T00:00:00Z")
        assert report.next_change == utc("2024-08-02T00:00:00Z")
        assert_absent(release, "MARK-U2", "MARK-U3")
    else:
        assert report.held == () and report.next_change is None


def test_embargo_on_update_1_hides_the_incident(make_site):
    text = three().replace("    impact: major\n", "    impact: major\n" + EMBARGO)
    s = make_site({INC: text})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert release.incidents == ()
    assert held(report)[0] == (INC, 1, "embargoed")
    assert report.next_change == utc("2024-08-02T00:00:00Z")


def test_unapproved_embargoed_update_reports_unapproved(make_site):
    """An update that is both unapproved and embargoed is held as unapproved, with no next_change."""
    s = make_site({INC: three(extra2=EMBARGO)})
    s.approve_all(upto=1)
    release, report = gate(s.load(), T)
    assert ids(release) == [1]
    assert held(report)[0] == (INC, 2, "unapproved")
    assert report.next_change is None


# --- rule 3: technical-only embargo --------------------------------------------------

TECHNICAL = """\
    technical_embargo_until: 2024-08-10T00:00:00Z
    technical: |
      Attackers used SECRET-TECH-7f3a to get in.
    report:
      summary: Ransomware SECRET-REPORT-91bd.
      root_cause: Phishing.
      indicators:
        - {type: domain, value: secret-ioc-c2.example, context: C2}
      cves: [CVE-2024-3400]
"""
SECRETS = ("SECRET-TECH-7f3a", "SECRET-REPORT-91bd", "secret-ioc-c2.example", "CVE-2024-3400")


def test_technical_embargo_withholds_technical_text_and_report(make_site):
    s = make_site({INC: three(extra2=TECHNICAL)})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2, 3]  # the public text is not held
    inc = release.incident(INC)
    u2 = inc.update(2)
    assert u2.public == "We found the cause. MARK-U2\n"
    assert u2.technical is None and u2.update.report is None and u2.update.canonical == {}
    assert u2.technical_pending and inc.technical_pending and not inc.has_technical
    assert [u.technical_pending for u in inc.updates] == [False, True, False]
    assert all(u.state.report is None for u in inc.updates)  # nor carried forward by the fold
    assert_absent(release, *SECRETS)
    assert held(report) == [(INC, 2, "technical-embargo")]
    assert report.held[0].until == utc("2024-08-10T00:00:00Z")
    assert report.next_change == utc("2024-08-10T00:00:00Z")


@pytest.mark.parametrize("at, lifted", [("2024-08-09T23:59:59Z", False), ("2024-08-10T00:00:00Z", True)])
def test_technical_embargo_lifts_at_its_time(make_site, at, lifted):
    s = make_site({INC: three(extra2=TECHNICAL)})
    s.approve_all()
    release, report = gate(s.load(), utc(at))
    inc = release.incident(INC)
    assert inc.has_technical is lifted and inc.technical_pending is not lifted
    if lifted:
        for m in SECRETS:
            assert_present(release, m)
        assert inc.state.report.summary == "Ransomware SECRET-REPORT-91bd."
        assert report.held == () and report.next_change is None
    else:
        assert_absent(release, *SECRETS)


def test_no_digest_while_the_technical_embargo_holds_then_the_stored_one(make_site):
    """A digest covers the embargoed text too, so it confirms guesses of it (a CVE id): the Release
    has none until the technical embargo lifts, then the digest of the full update as stored."""
    s = make_site({INC: three(extra2=TECHNICAL)})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert release.incident(INC).update(2).digest is None
    assert release.incident(INC).update(1).digest == report.approvals[(INC, 1)].digest
    release, report = gate(s.load(), utc("2024-08-10T00:00:00Z"))
    assert release.incident(INC).update(2).digest == report.approvals[(INC, 2)].digest


# --- rule 4: retraction ---------------------------------------------------------------

LEAK = "PERSONAL-DATA jane.doe@example.org"
RETRACTED2 = f"""\
id: {INC}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    components:
      scheduling: major_outage
    public: |
      We are investigating. MARK-U1
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    data_exposure: confirmed
    affected_customers: LEAKED-AFFECTED
    public: |
      Contact {LEAK} for details.
    technical: |
      TECH-OF-RETRACTED
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: identified
    retracts: 2
{{extra3}}    public: |
      We withdrew update 2, which was published by mistake.
"""


def retracted2(extra3: str = "") -> str:
    return RETRACTED2.format(extra3=extra3)


def test_retracted_update_text_appears_nowhere(make_site):
    s = make_site({INC: retracted2()})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2, 3]
    u2 = release.incident(INC).update(2)
    assert u2.retracted and u2.retracted_by == 3
    assert u2.public is None and u2.technical is None and u2.update.facts.is_empty()
    assert u2.status == "identified"  # the record of what happened stays
    assert_absent(release, LEAK, "TECH-OF-RETRACTED", "LEAKED-AFFECTED")
    assert_present(release, "We withdrew update 2")
    assert release.incident(INC).state.facts.data_exposure is None


def test_retraction_not_yet_approved_leaves_the_update_as_it_was(make_site):
    s = make_site({INC: retracted2()})
    s.approve_all(upto=2)
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2]
    assert not release.incident(INC).update(2).retracted
    assert_present(release, LEAK)
    assert held(report) == [(INC, 3, "unapproved")]


def test_retraction_counts_as_approval_and_the_text_may_be_deleted(make_site):
    s = make_site({INC: retracted2()})
    s.approve_all()
    # 1. the retracted update needs no approval of its own
    for f in (s.root / "approvals" / INC / "2").iterdir():
        f.unlink()
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2, 3] and release.incident(INC).update(2).retracted
    assert release.incident(INC).update(2).approved_by == ()
    # 2. delete the retracted text from the source file: it still publishes, as retracted
    path = s.root / "incidents" / f"{INC}.yml"
    text = path.read_text()
    cut = (f"    data_exposure: confirmed\n    affected_customers: LEAKED-AFFECTED\n    public: |\n"
           f"      Contact {LEAK} for details.\n    technical: |\n      TECH-OF-RETRACTED\n")
    assert cut in text
    path.write_text(text.replace(cut, ""))
    assert LEAK not in path.read_text()
    content = s.load()
    assert content.incident(INC).update(2).public is None
    release, report = gate(content, T)
    assert ids(release) == [1, 2, 3]
    u2 = release.incident(INC).update(2)
    assert u2.retracted and u2.retracted_by == 3 and u2.public is None
    assert report.approvals[(INC, 3)].approved  # update 3 is untouched, its approvals hold
    assert report.held == ()
    # check passes, and does not nag about the retracted update's missing approvals
    result = run_check(s.root)
    assert result.ok, [str(p) for p in result.errors]
    assert not [p for p in result.problems if p.rule == "approval-missing"]


def test_retracted_update_with_stale_approvals_still_publishes_as_retracted(make_site):
    s = make_site({INC: retracted2()})
    s.approve_all()
    path = s.root / "incidents" / f"{INC}.yml"
    path.write_text(path.read_text().replace(f"      Contact {LEAK} for details.\n", "      [removed]\n"))
    result = run_check(s.root)
    assert result.ok
    assert sorted(p.rule for p in result.problems if p.file.endswith(".sig")) == ["approval-stale"] * 2
    release, _ = gate(s.load(), T)
    assert ids(release) == [1, 2, 3] and release.incident(INC).update(2).retracted


def test_check_calls_a_stale_approval_harmless_only_when_the_gate_would_withdraw_the_update(make_site):
    """An approved retraction behind an update no one approved never publishes, so the update it retracts
    stays public as written: check must not say its stale approvals "no longer matter" (the gate's
    withdrawn_updates decides, not a second rule in checks.py)."""
    draft3 = ("  - id: 3\n    at: 2024-07-31T10:30:00Z\n    status: identified\n    public: |\n"
              "      A draft nobody approved.\n")
    text = retracted2().replace("  - id: 3\n", draft3 + "  - id: 4\n")
    s = make_site({INC: text})
    for n in (1, 2, 4):
        s.approve(INC, n, "comms", "alice")
        s.approve(INC, n, "security", "bob")
    path = s.root / "incidents" / f"{INC}.yml"
    path.write_text(path.read_text().replace(f"      Contact {LEAK} for details.\n", "      [removed]\n"))
    release, _ = gate(s.load(), T)
    assert ids(release) == [1]  # update 2 no longer verifies, and update 4 cannot withdraw it past update 3
    result = run_check(s.root)
    stale = [p.message for p in result.problems if p.rule == "approval-stale"]
    assert len(stale) == 2 and not any("no longer matters" in m for m in stale), stale
    assert all("was edited after approval" in m for m in stale), stale
    missing = [p.message for p in result.problems if p.rule == "approval-missing"]
    assert "update 2 is not approved yet: missing comms, security" in missing, missing


@pytest.mark.parametrize("extra3", ["    embargo_until: 2024-08-05T00:00:00Z\n", "at-later"])
def test_a_retraction_takes_effect_only_when_it_publishes(make_site, extra3):
    """Before its own time (or embargo), an approved retraction withdraws nothing and shows nothing:
    the signed update 2 stands as published; afterwards only the withdrawn marker is left of it."""
    text = retracted2(extra3="" if extra3 == "at-later" else extra3)
    if extra3 == "at-later":
        text = text.replace("at: 2024-07-31T11:00:00Z", "at: 2024-08-05T00:00:00Z")
    s = make_site({INC: text})
    s.approve_all()
    release, report = gate(s.load(), T)
    assert ids(release) == [1, 2]
    u2 = release.incident(INC).update(2)
    assert not u2.retracted and u2.retracted_by is None and u2.approved_by == ("comms", "security")
    assert_present(release, LEAK)
    assert_absent(release, "We withdrew update 2")
    assert held(report) == [(INC, 3, "embargoed" if extra3 != "at-later" else "scheduled")]
    assert report.next_change == utc("2024-08-05T00:00:00Z")
    release, report = gate(s.load(), utc("2024-08-05T00:00:00Z"))
    assert ids(release) == [1, 2, 3]
    u2 = release.incident(INC).update(2)
    assert u2.retracted and u2.retracted_by == 3
    assert u2.at == release.incident(INC).update(3).at  # dated by its retraction
    assert_absent(release, LEAK, "TECH-OF-RETRACTED", "LEAKED-AFFECTED")


def test_retracting_a_never_signed_update_lets_the_chain_continue_once_it_publishes(make_site):
    s = make_site({INC: retracted2(extra3="    embargo_until: 2024-08-05T00:00:00Z\n")})
    for n in (1, 3):  # update 2 is never signed
        s.approve(INC, n, "comms", "alice")
        s.approve(INC, n, "security", "bob")
    release, report = gate(s.load(), T)
    assert ids(release) == [1]  # the unapproved update holds the chain, as any does
    assert held(report) == [(INC, 2, "unapproved"), (INC, 3, "after-held")]
    assert report.next_change == utc("2024-08-05T00:00:00Z")  # when the retraction comes due
    assert_absent(release, LEAK, "We withdrew update 2")
    release, report = gate(s.load(), utc("2024-08-05T00:00:00Z"))
    assert ids(release) == [1, 2, 3] and release.incident(INC).update(2).retracted
    assert report.held == ()
    assert_absent(release, LEAK, "TECH-OF-RETRACTED", "LEAKED-AFFECTED")


def test_retracting_update_1_withdraws_its_title(make_site):
    text = f"""\
id: {INC}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Outage at SECRET-TITLE clinic
    impact: major
    public: |
      SECRET-PUBLIC-1
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: minor
    retracts: 1
    public: |
      We withdrew the first update.
"""
    s = make_site({INC: text})
    s.approve_all()
    release, _ = gate(s.load(), T)
    inc = release.incident(INC)
    assert inc.title == "Appointment scheduling unavailable"
    assert inc.update(1).retracted and inc.update(1).retracted_by == 2
    # update 1 contributes nothing, not its time or impact: the incident starts with its retraction
    assert inc.started_at == utc("2024-07-31T10:00:00Z") and inc.state.impact == "minor"
    assert inc.update(1).at == utc("2024-07-31T10:00:00Z") and inc.update(1).status == "investigating"
    assert_absent(release, "SECRET-TITLE", "SECRET-PUBLIC-1")


def test_after_update_1_is_withdrawn_every_state_has_the_retraction_s_title(make_site):
    text = f"""\
id: {INC}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Outage at SECRET-TITLE clinic
    impact: critical
    components: {{scheduling: major_outage}}
    public: |
      SECRET-PUBLIC-1
  - id: 2
    at: 2024-07-31T09:30:00Z
    status: identified
    public: |
      We found the cause.
  - id: 3
    at: 2024-07-31T10:00:00Z
    status: identified
    title: Appointment scheduling unavailable
    impact: minor
    retracts: 1
    public: |
      We withdrew the first update.
"""
    s = make_site({INC: text})
    s.approve_all()
    release, _ = gate(s.load(), T)
    inc = release.incident(INC)
    assert [u.state.title for u in inc.updates] == ["Appointment scheduling unavailable"] * 3
    assert inc.started_at == utc("2024-07-31T09:30:00Z") and inc.state.impact == "minor"
    assert inc.state.components == {} and release.overall.indicator == "minor"
    assert_absent(release, "SECRET-TITLE", "SECRET-PUBLIC-1", "(title withdrawn)")


def test_corrections_are_linked(make_site):
    s = make_site({INC: three(extra3="    corrects: 2\n")})
    s.approve_all()
    release, _ = gate(s.load(), T)
    inc = release.incident(INC)
    assert inc.update(2).corrected_by == (3,) and inc.update(3).corrects == 2
    assert_present(release, "MARK-U2")


# --- next_change and maintenance windows ----------------------------------------------

MAINT = """\
id: 2024-08-10-network
kind: maintenance
updates:
  - id: 1
    at: 2024-08-01T00:00:00Z
    status: scheduled
    title: Network upgrade
    impact: maintenance
    scheduled: {from: 2024-08-10T02:00:00Z, until: 2024-08-10T06:00:00Z}
    components:
      scheduling: under_maintenance
    public: |
      We will upgrade the network.
"""


@pytest.mark.parametrize("at, next_change, status", [
    ("2024-08-01T00:00:00Z", "2024-08-10T02:00:00Z", ComponentStatus.OPERATIONAL),
    ("2024-08-10T02:00:00Z", "2024-08-10T06:00:00Z", ComponentStatus.UNDER_MAINTENANCE),
    ("2024-08-10T06:00:00Z", None, ComponentStatus.OPERATIONAL),
])
def test_next_change_follows_maintenance_windows(make_site, at, next_change, status):
    s = make_site({"2024-08-10-network": MAINT})
    s.approve_all()
    release, report = gate(s.load(), utc(at))
    assert report.next_change == (utc(next_change) if next_change else None)
    assert {c.id: c.status for c in release.components}["scheduling"] is status


def test_next_change_is_the_earliest_of_everything_pending(make_site):
    s = make_site({
        INC: three(extra2=TECHNICAL),                                         # 2024-08-10T00:00
        "2024-07-30-other": three(iid="2024-07-30-other", extra3=EMBARGO),   # 2024-08-02T00:00
        "2024-08-10-network": MAINT,                                          # 2024-08-10T02:00
    })
    s.approve_all()
    _, report = gate(s.load(), T)
    assert report.next_change == utc("2024-08-02T00:00:00Z")
    _, report = gate(s.load(), utc("2024-08-03T00:00:00Z"))
    assert report.next_change == utc("2024-08-10T00:00:00Z")
    _, report = gate(s.load(), utc("2024-08-10T00:00:00Z"))
    assert report.next_change == utc("2024-08-10T02:00:00Z")


def test_next_change_ignores_what_is_held_for_approval(make_site):
    """An embargo behind an unapproved update cannot publish by waiting: no next_change."""
    s = make_site({INC: three(extra3=EMBARGO)})
    s.approve_all()
    for f in (s.root / "approvals" / INC / "2").iterdir():
        f.unlink()
    _, report = gate(s.load(), T)
    assert report.next_change is None


def test_gate_is_a_pure_function_of_content_and_time(make_site):
    s = make_site({INC: three(extra2=TECHNICAL)})
    s.approve_all()
    content = s.load()
    a, _ = gate(content, T)
    b, _ = gate(content, T)
    assert a == b
    later, _ = gate(content, T + timedelta(days=30))
    assert later != a
