"""cadence-overdue: the newest published update's next_update_at has passed at T, nothing newer published."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from statuskit.errors import Severity
from statuskit.lint.config import default_config
from statuskit.lint.overdue import incident_promises, late_by, overdue

from linttools import FILE, incident, load, update

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
INC = incident(
    update(1, "investigating", public="We are investigating.", extra="next_update_at: 2026-11-24T09:30:00Z"),
    update(2, "identified", public="We found the cause.", extra="next_update_at: 2026-11-24T12:00:00Z"),
)


def judge(text: str, at: datetime, approved=(1, 2), config=None):
    inc = load(text)
    promises = incident_promises(inc, {u.id: u.id in approved for u in inc.updates})
    return overdue(inc.file, promises, at, config or default_config())


def test_overdue_names_the_promised_time_and_how_late():
    uid, p = judge(INC, datetime(2026, 11, 24, 13, 15, tzinfo=timezone.utc))
    assert uid == 2
    assert str(p) == (
        f"{FILE}:15: updates[1].next_update_at: warning: update 2 promised the next update by 2026-11-24T12:00:00Z; "
        "at 2026-11-24T13:15:00Z it is 1 h 15 min late and no newer update is published: publish one, and say when "
        "the next comes (an update still waiting for approval, its time or its embargo does not count) "
        "[cadence-overdue]")
    assert p.severity is Severity.WARNING


def test_a_newer_published_update_keeps_the_promise():
    # update 1 promised 09:30; update 2 (at 09:00) is published: only update 2's promise counts
    assert judge(INC, T0) is None


@pytest.mark.parametrize("at", ["2026-11-24T12:00:00Z", "2026-11-24T11:59:00Z"])
def test_not_late_until_the_promised_time_has_passed(at):
    assert judge(INC, datetime.fromisoformat(at.replace("Z", "+00:00"))) is None


def test_an_unapproved_newer_update_does_not_count():
    uid, p = judge(INC, T0, approved=(1,))
    assert uid == 1 and "update 1 promised the next update by 2026-11-24T09:30:00Z" in p.message
    assert "it is 30 min late" in p.message


def test_an_embargoed_newer_update_does_not_count():
    text = INC.replace("next_update_at: 2026-11-24T12:00:00Z",
                       "next_update_at: 2026-11-24T12:00:00Z\n    embargo_until: 2026-11-24T11:00:00Z")
    assert judge(text, T0)[0] == 1
    assert judge(text, datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc)) is None


def test_nothing_published_nothing_overdue():
    assert judge(INC, T0, approved=()) is None


def test_severity_off_and_acknowledged():
    config = default_config()
    off = dataclasses.replace(config, severity={**config.severity, "cadence-overdue": None})
    at = datetime(2026, 11, 24, 13, 0, tzinfo=timezone.utc)
    assert judge(INC, at, config=off) is None
    acked = INC.replace("next_update_at: 2026-11-24T12:00:00Z",
                        "next_update_at: 2026-11-24T12:00:00Z\n    acknowledge: [cadence-overdue]")
    assert judge(acked, at) is None


@pytest.mark.parametrize("minutes, text", [
    (0.2, "1 min"), (30, "30 min"), (60, "1 h"), (75, "1 h 15 min"), (24 * 60, "1 day"), (50 * 60 + 5, "2 days 2 h"),
])
def test_late_by(minutes, text):
    assert late_by(timedelta(minutes=minutes)) == text


@pytest.mark.parametrize("approved", [(1, 2), (1,), ()])
def test_cached_rows_judge_as_the_promises_do(approved):
    from statuskit.lint.overdue import from_rows, overdue_rows, promise_rows

    inc = load(INC.replace("next_update_at: 2026-11-24T12:00:00Z",
                           "next_update_at: 2026-11-24T12:00:00Z\n    embargo_until: 2026-11-24T09:30:00Z"))
    promises = incident_promises(inc, {u.id: u.id in approved for u in inc.updates})
    rows = promise_rows(promises)
    assert from_rows(rows) == promises
    start = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    for step in range(0, 6 * 3600, 450):  # every 7.5 minutes, and just around each second
        for extra in (timedelta(0), timedelta(microseconds=500_000)):
            at = start + timedelta(seconds=step) + extra
            assert overdue_rows(inc.file, rows, at, default_config()) == overdue(inc.file, promises, at,
                                                                                 default_config()), at
