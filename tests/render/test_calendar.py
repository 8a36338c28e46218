"""Tests for statuskit.render.calendar: the maintenance calendars, read back with vobject (an iCalendar
parser independent of the icalendar library that writes them): stable UIDs, SEQUENCE growing with each
change, cancelled and completed maintenance, UTC times, DTSTAMP from the content, only what is published,
and the links to the calendars from the pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import vobject
from conftest import DEMO_AT, REPO

from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.calendar import render_calendars
from statuskit.render.pages import render_pages
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Fixture status", "https://status.test.example/")
UTC = timezone.utc

UPDATE_1 = """\
id: works
kind: maintenance
updates:
  - id: 1
    at: 2024-07-20T09:00:00Z
    status: scheduled
    title: Portal upgrade
    impact: maintenance
    scheduled: {from: 2024-08-03T01:00:00Z, until: 2024-08-03T03:00:00Z}
    components: {patient-portal: under_maintenance}
    public: We will upgrade the portal; expect it to be unavailable.
"""
MOVED = """\
  - id: 2
    at: 2024-07-22T09:00:00Z
    status: scheduled
    scheduled: {from: 2024-08-10T01:00:00+02:00, until: 2024-08-10T05:00:00+02:00}
    public: We moved the upgrade by a week.
"""
REWORDED = """\
  - id: 3
    at: 2024-07-23T09:00:00Z
    status: scheduled
    public: As a reminder, the upgrade is on 10 August.
"""
STARTED = """\
  - id: 4
    at: 2024-08-09T23:00:00Z
    status: in_progress
    public: The upgrade has started.
"""
COMPLETED = """\
  - id: 5
    at: 2024-08-10T01:30:00Z
    status: completed
    public: The upgrade is finished.
"""
CALLED_OFF = """\
  - id: 3
    at: 2024-07-25T09:00:00Z
    status: completed
    public: We called the upgrade off; the portal stays as it is.
"""


def _build(make_site, text: str, at: datetime, *, upto: int | None = None, site: SiteInfo = SITE):
    s = make_site({"works": text})
    s.approve_all("works", upto=upto)
    release = gate(s.load(), at)[0]
    return release, render_calendars(release, site)


def _events(data: bytes) -> list:
    cal = vobject.readOne(data.decode("utf-8"))
    assert cal.version.value == "2.0" and cal.prodid.value
    return list(getattr(cal, "vevent_list", []))


def _one(data: bytes):
    (ev,) = _events(data)
    return ev


AUG_1 = datetime(2024, 8, 1, tzinfo=UTC)


def test_the_event_has_a_stable_uid_utc_times_and_the_content_as_its_stamp(make_site):
    _, files = _build(make_site, UPDATE_1, AUG_1)
    ev = _one(files["maintenance.ics"])
    assert ev.uid.value == "works@status.test.example"
    assert (ev.dtstart.value, ev.dtend.value) == (datetime(2024, 8, 3, 1, tzinfo=UTC), datetime(2024, 8, 3, 3, tzinfo=UTC))
    assert ev.dtstart.value.utcoffset() == timedelta(0)
    assert ev.dtstamp.value == datetime(2024, 7, 20, 9, tzinfo=UTC)  # the latest published update, not the clock
    assert ev.sequence.value == "0" and ev.status.value == "CONFIRMED"
    assert ev.summary.value == "Portal upgrade"
    assert "We will upgrade the portal; expect it to be unavailable." in ev.description.value
    assert ev.url.value == "https://status.test.example/incidents/works/"
    assert b"DTSTART:20240803T010000Z\r\n" in files["maintenance.ics"]


def test_the_same_content_gives_the_same_bytes_at_any_later_time(make_site):
    _, first = _build(make_site, UPDATE_1, AUG_1)
    _, later = _build(make_site, UPDATE_1, AUG_1 + timedelta(hours=5))
    assert first == later


def test_sequence_grows_with_each_window_or_status_change_and_the_uid_stays(make_site):
    seen = []
    text = UPDATE_1
    for extra, at in ((MOVED, datetime(2024, 8, 1, tzinfo=UTC)), (REWORDED, datetime(2024, 8, 1, tzinfo=UTC)),
                      (STARTED, datetime(2024, 8, 10, tzinfo=UTC)), (COMPLETED, datetime(2024, 8, 11, tzinfo=UTC))):
        text += extra
        _, files = _build(make_site, text, at)
        ev = _one(files["maintenance.ics"])
        seen.append((int(ev.sequence.value), ev.uid.value, ev.status.value))
    assert seen == [(1, "works@status.test.example", "CONFIRMED"),   # the window moved
                    (1, "works@status.test.example", "CONFIRMED"),   # new words only: not a change of the event
                    (2, "works@status.test.example", "CONFIRMED"),   # in progress
                    (3, "works@status.test.example", "CONFIRMED")]   # completed
    ev = _one(files["maintenance.ics"])
    # the moved window, given at +02:00, is written in UTC
    assert (ev.dtstart.value, ev.dtend.value) == (datetime(2024, 8, 9, 23, tzinfo=UTC), datetime(2024, 8, 10, 3, tzinfo=UTC))
    assert ev.summary.value == "Completed: Portal upgrade"
    assert ev.description.value.startswith("This maintenance is completed.")


def test_a_maintenance_completed_before_its_window_without_starting_is_cancelled(make_site):
    _, files = _build(make_site, UPDATE_1 + MOVED + CALLED_OFF, AUG_1)
    ev = _one(files["maintenance.ics"])
    assert ev.status.value == "CANCELLED"
    assert int(ev.sequence.value) == 2
    assert ev.summary.value == "Cancelled: Portal upgrade"
    assert ev.description.value.startswith("This maintenance was cancelled.")


def test_an_unapproved_window_change_is_not_in_the_calendar(make_site):
    release, files = _build(make_site, UPDATE_1 + MOVED.replace("We moved", "MARKERMOVED We moved"), AUG_1, upto=1)
    for data in files.values():
        assert b"MARKERMOVED" not in data and b"20240809T230000Z" not in data
    ev = _one(files["maintenance.ics"])
    assert int(ev.sequence.value) == 0 and ev.dtstart.value == datetime(2024, 8, 3, 1, tzinfo=UTC)


def test_an_unapproved_maintenance_is_in_no_calendar(make_site):
    s = make_site({"works": UPDATE_1.replace("Portal upgrade", "MARKERPENDING upgrade")})
    s.approve("works", 1, "comms", "alice")  # one team only
    files = render_calendars(gate(s.load(), AUG_1)[0], SITE)
    assert all(_events(data) == [] for data in files.values())
    assert not [p for p, data in files.items() if b"MARKERPENDING" in data]


def test_each_component_has_a_calendar_of_its_own_maintenance(make_site):
    _, files = _build(make_site, UPDATE_1, AUG_1)
    assert sorted(files) == ["components/patient-portal/maintenance.ics", "components/scheduling/maintenance.ics",
                             "components/website/maintenance.ics", "maintenance.ics"]
    assert _one(files["components/patient-portal/maintenance.ics"]).uid.value == "works@status.test.example"
    assert _events(files["components/website/maintenance.ics"]) == []
    cal = vobject.readOne(files["components/patient-portal/maintenance.ics"].decode())
    assert cal.contents["x-wr-calname"][0].value == "Fixture status: maintenance of Patient portal"


def test_the_calendars_speak_the_site_language(make_site):
    de = SiteInfo("Fixture status", "https://status.test.example/", language="de")
    _, files = _build(make_site, UPDATE_1 + CALLED_OFF.replace("id: 3", "id: 2"), AUG_1, site=de)
    assert _one(files["maintenance.ics"]).summary.value == "Abgesagt: Portal upgrade"


def test_the_demo_calendars_parse_and_the_pages_link_them():
    release = gate(load_content(REPO / "content"), DEMO_AT)[0]
    site = SiteInfo("Northbridge Health status", "https://status.example.org/")
    files = render_calendars(release, site)
    events = _events(files["maintenance.ics"])
    assert {e.uid.value for e in events} == {"2026-04-18-portal-database-upgrade@status.example.org",
                                            "2026-12-05-scheduling-network-maintenance@status.example.org"}
    assert [e.dtstart.value for e in events] == sorted(e.dtstart.value for e in events)
    pages = {p.url: p.body for p in render_pages(release, site)}
    assert '<a href="maintenance.ics">maintenance.ics</a>' in pages[""]
    assert '<a href="maintenance.ics">maintenance.ics</a>' in pages["components/scheduling/"]
    maint = pages["incidents/2026-12-05-scheduling-network-maintenance/"]
    assert '<a href="../../maintenance.ics">all planned maintenance</a>' in maint
    assert '<a href="../../components/scheduling/maintenance.ics">Appointment scheduling</a>' in maint
    assert "maintenance.ics" not in pages["incidents/2026-11-24-ransomware-scheduling/"]


def test_a_maintenance_completed_during_its_window_is_completed_not_cancelled(make_site):
    done = CALLED_OFF.replace("2024-07-25T09:00:00Z", "2024-08-03T02:00:00Z").replace(
        "We called the upgrade off; the portal stays as it is.", "The upgrade is finished.").replace("id: 3", "id: 2")
    _, files = _build(make_site, UPDATE_1 + done, datetime(2024, 8, 4, tzinfo=UTC))
    ev = _one(files["maintenance.ics"])
    assert (ev.status.value, ev.summary.value, int(ev.sequence.value)) == ("CONFIRMED", "Completed: Portal upgrade", 1)


def test_sequence_never_goes_down_when_a_retraction_publishes(make_site):
    # update 2 moves the window, update 3 moves it back; update 4 withdraws update 2
    back = """\
  - id: 3
    at: 2024-07-23T09:00:00Z
    status: scheduled
    scheduled: {from: 2024-08-03T01:00:00Z, until: 2024-08-03T03:00:00Z}
    public: The upgrade is back on 3 August.
"""
    withdraw = """\
  - id: 4
    at: 2024-07-24T09:00:00Z
    status: scheduled
    retracts: 2
    public: We withdrew the update of 22 July; it was posted by mistake.
"""
    seen = []
    for at in (datetime(2024, 7, 23, 12, tzinfo=UTC), datetime(2024, 7, 24, 12, tzinfo=UTC)):
        _, files = _build(make_site, UPDATE_1 + MOVED + back + withdraw, at)
        ev = _one(files["maintenance.ics"])
        seen.append((int(ev.sequence.value), ev.dtstart.value))
    (before, start), (after, start_after) = seen
    assert before == 2 and start == start_after == datetime(2024, 8, 3, 1, tzinfo=UTC)
    assert after > before  # what the event says changed (update 2 is gone): clients must take the new one


def test_an_event_describes_the_update_in_plain_text():
    """A calendar shows no Markdown: the demo's '**Saturday 5 December, …**' and its YAML line wraps are gone."""
    release = gate(load_content(REPO / "content"), DEMO_AT)[0]
    files = render_calendars(release, SiteInfo("Northbridge Health status", "https://status.example.org/"))
    [ev] = [e for e in _events(files["maintenance.ics"]) if e.uid.value.startswith("2026-12-05-")]
    text = ev.description.value
    assert text.startswith("On Saturday 5 December, 02:00–06:00 UTC, we will upgrade the network behind "
                           "appointment scheduling and the patient portal. This is part of our recovery work"), text
    assert "**" not in text
    assert "- you will not be able to sign in" in text
