"""Tests for ``statuskit status`` and ``statuskit next-release`` on a copy of the demo content.

The demo is built as of 2026-11-27T18:00:00Z: the pharmacy incident's update 3 is a
draft approved by comms only, and the ransomware incident's updates 5 and 6 carry a
technical embargo until 2026-12-08T00:00:00Z.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.model.content import display_path

AT = "2026-11-27T18:00:00Z"
PHARMACY = "2026-11-27-pharmacy-refills-degraded"
RANSOMWARE = "2026-11-24-ransomware-scheduling"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def status(root: Path, *args: str, at: str = AT):
    result = invoke("status", *args, "--content", str(root), "--at", at)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_draft_update_shows_missing_security(demo_copy):
    out = status(demo_copy, PHARMACY)
    file = display_path(demo_copy / "incidents" / f"{PHARMACY}.yml")
    assert out == (
        f"as of {AT}\n"
        f"\n{PHARMACY} (incident)  {file}\n"
        "  ✓ update 1  2026-11-27T14:10:00Z  investigating published\n"
        "      approvals: comms:priya, security:marta\n"
        "  ✓ update 2  2026-11-27T15:25:00Z  identified    published\n"
        "      approvals: comms:tom, security:dev\n"
        "      lint: line 23: warning: update 2 promised the next update by 2026-11-27T17:30:00Z; at "
        "2026-11-27T18:00:00Z it is 30 min late and no newer update is published: publish one, and say when the next "
        "comes (an update still waiting for approval, its time or its embargo does not count) [cadence-overdue]\n"
        "  · update 3  2026-11-27T17:20:00Z  monitoring    held: missing approval from: security\n"
        "      approvals: comms:priya; missing: security\n"
    )


def test_status_before_the_promised_time_shows_no_overdue(demo_copy):
    assert "cadence-overdue" not in status(demo_copy, PHARMACY, at="2026-11-27T17:30:00Z")


def test_ransomware_updates_5_and_6_show_technical_embargo(demo_copy):
    out = status(demo_copy, RANSOMWARE)
    assert (
        "  ✓ update 5  2026-11-26T15:00:00Z  resolved      published (technical text embargoed)\n"
        "      approvals: comms:priya, security:marta\n"
        "      technical embargo until 2026-12-08T00:00:00Z\n"
        "  ✓ update 6  2026-11-27T12:00:00Z  postmortem    published (technical text embargoed)\n"
        "      approvals: comms:tom, security:dev\n"
        "      technical embargo until 2026-12-08T00:00:00Z\n"
    ) in out
    assert out.count("technical text embargoed") == 2
    after = status(demo_copy, RANSOMWARE, at="2026-12-08T00:00:00Z")
    assert "embargoed)" not in after
    assert "  ✓ update 6  2026-11-27T12:00:00Z  postmortem    published\n" in after


def test_status_of_everything_as_json(demo_copy):
    data = json.loads(status(demo_copy, "--format", "json"))
    assert data["at"] == AT and data["next_change"] == "2026-12-05T02:00:00Z"
    by_id = {i["incident"]: i for i in data["incidents"]}
    assert len(by_id) == 8
    u3 = by_id[PHARMACY]["updates"][2]
    assert (u3["published"], u3["missing"], u3["approved_by"], u3["verdict"]) == (
        False, ["security"], ["comms:priya"], "held: missing approval from: security")
    for u in by_id[RANSOMWARE]["updates"][4:]:
        assert u["published"] is True
        assert u["technical_embargo_until"] == "2026-12-08T00:00:00Z"
        assert u["verdict"] == "published (technical text embargoed)"
    # everything else in the demo is published as it is
    retracted = by_id["2026-03-03-portal-sign-in-failures"]["updates"][1]
    assert retracted["verdict"] == "published as retracted (by update 3)"
    others = [u for i in data["incidents"] for u in i["updates"] if (i["incident"], u["id"]) not in
              {(PHARMACY, 3), (RANSOMWARE, 5), (RANSOMWARE, 6), ("2026-03-03-portal-sign-in-failures", 2)}]
    assert {u["verdict"] for u in others} == {"published"}
    assert all(u["rejected"] == [] for u in others)


def test_status_shows_an_edited_update_as_not_counted(demo_copy):
    path = demo_copy / "incidents" / f"{PHARMACY}.yml"
    path.write_text(path.read_text().replace("taking longer than usual", "taking much longer than usual"))
    out = status(demo_copy, PHARMACY)
    assert "  · update 1  2026-11-27T14:10:00Z  investigating held: missing approval from: comms, security\n" in out
    assert "  · update 2  2026-11-27T15:25:00Z  identified    held: waits for update 1\n" in out
    sig = display_path(demo_copy / "approvals" / PHARMACY / "1" / "comms--priya.sig")
    assert (f"      not counted: {sig}: priya signed an older version of this text (or another update): re-approve "
            f"with statuskit approve {PHARMACY} 1 --team comms --member priya\n") in out


def test_status_of_an_unknown_incident(demo_copy):
    result = invoke("status", "no-such-incident", "--content", str(demo_copy), "--at", AT)
    assert result.exit_code == 1
    assert result.stderr == f"error: no incident 'no-such-incident' in {display_path(demo_copy / 'incidents')}\n"


@pytest.mark.parametrize("at, expected", [
    (AT, "2026-12-05T02:00:00Z\n"),                      # the maintenance window opens
    ("2026-12-05T02:00:00Z", "2026-12-05T06:00:00Z\n"),  # ... and closes
    ("2026-12-05T06:00:00Z", "2026-12-08T00:00:00Z\n"),  # the ransomware technical embargo lifts
    ("2026-12-08T00:00:00Z", ""),                        # nothing left that time alone will publish
])
def test_next_release(demo_copy, at, expected):
    result = invoke("next-release", "--content", str(demo_copy), "--at", at)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


@pytest.mark.parametrize("at, overdue", [
    ("2026-11-27T17:30:00Z", ""),  # the promised time itself: not late yet
    (AT, f"overdue: {PHARMACY}: update 2 promised the next update by 2026-11-27T17:30:00Z "
         f"(30 min late at {AT})\n"),
    ("2026-11-29T19:45:00Z", f"overdue: {PHARMACY}: update 2 promised the next update by 2026-11-27T17:30:00Z "
                             f"(2 days 2 h late at 2026-11-29T19:45:00Z)\n"),
])
def test_next_release_names_an_overdue_promise_on_stderr(demo_copy, at, overdue):
    result = CliRunner().invoke(cli, ["next-release", "--content", str(demo_copy), "--at", at])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-12-05T02:00:00Z\n"  # stdout stays one time, for the publishing workflow
    assert result.stderr == overdue


def test_next_release_on_broken_content_is_an_error(demo_copy):
    (demo_copy / "teams.yml").write_text("namespace: git\n")
    result = invoke("next-release", "--content", str(demo_copy), "--at", AT)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "teams.yml" in result.stderr and "Traceback" not in result.output


RETRACTION = """\
id: 2024-07-31-outage
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    public: |
      We are investigating.
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    public: |
      Published by mistake.
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: identified
    retracts: 2
    public: |
      We withdrew update 2.
"""


def test_status_of_a_retracted_update(make_site):
    s = make_site({"2024-07-31-outage": RETRACTION})
    s.approve_all()
    for f in (s.root / "approvals" / "2024-07-31-outage" / "2").iterdir():
        f.unlink()
    out = status(s.root, at="2024-08-01T00:00:00Z")
    assert ("  ✓ update 2  2024-07-31T10:00:00Z  identified    published as retracted (by update 3)\n"
            "      approvals: none; missing: comms, security\n") in out
    assert "  ✓ update 3  2024-07-31T11:00:00Z  identified    published\n" in out
    # before the retraction's own time it withdraws nothing: unapproved update 2 holds the chain
    out = status(s.root, at="2024-07-31T10:30:00Z")
    assert "  · update 2  2024-07-31T10:00:00Z  identified    held: missing approval from: comms, security\n" in out
    assert ("  · update 3  2024-07-31T11:00:00Z  identified    held: waits for update 2 until its own time "
            "2024-07-31T11:00:00Z; then it publishes and withdraws update 2\n") in out
    result = invoke("next-release", "--content", str(s.root), "--at", "2024-07-31T10:30:00Z")
    assert result.exit_code == 0 and result.stdout == "2024-07-31T11:00:00Z\n", result.output
