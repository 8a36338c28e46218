"""Tests for approvals.json (statuskit.render.outputs.approvals_json): checkable against the repository."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from conftest import DEMO_AT, INCIDENT_YML, REPO

from statuskit.gate.digest import digest
from statuskit.gate.release import gate
from statuskit.model.content import load_content
from statuskit.render.outputs import approvals_json, render_outputs
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/")
AT = datetime(2024, 8, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo():
    content = load_content(REPO / "content")
    release, _ = gate(content, DEMO_AT)
    return content, release, json.loads(render_outputs(release, SITE)["approvals.json"])


def test_top_level(demo):
    _, _, doc = demo
    assert list(doc) == ["protocol", "site", "required_teams", "incidents", "at"]
    assert doc["at"] == "2026-11-27T18:00:00Z"
    assert doc["protocol"] == "statuskit-approval v1"
    assert doc["site"] == "https://status.example.org/"
    assert doc["required_teams"] == {"comms": "Communications", "security": "Security"}


def test_lists_exactly_the_published_updates(demo):
    _, release, doc = demo
    listed = {(i["id"], u["update"]) for i in doc["incidents"] for u in i["updates"]}
    assert listed == {(inc.id, u.id) for inc in release.incidents for u in inc.updates}
    assert [i["id"] for i in doc["incidents"]] == sorted(i["id"] for i in doc["incidents"])
    for i in doc["incidents"]:
        assert [u["update"] for u in i["updates"]] == list(range(1, len(i["updates"]) + 1))
        assert i["url"] == f"{SITE.url}incidents/{i['id']}/"


def test_digests_and_teams_match_the_repository(demo):
    """What a reader would do: recompute each digest from content/ and find the signature files."""
    content, _, doc = demo
    checked = 0
    for i in doc["incidents"]:
        for u in i["updates"]:
            update = content.incident(i["id"]).update(u["update"])
            if u["retracted"]:  # dated by its retraction; nothing of its own
                continue
            assert u["at"] == update.at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if u["digest_withheld"] == "technical-embargo":  # its digest would confirm guesses of the report
                assert u["digest"] is None and update.technical_embargo_until > DEMO_AT
                continue
            assert u["digest"] == digest(update) and u["digest_withheld"] is None
            assert u["approved_by"] == ["comms", "security"]
            files = content.approvals[(i["id"], u["update"])]
            assert {f.team for f in files} >= set(u["approved_by"])
            checked += 1
    assert checked >= 25


def test_a_retracted_update_says_so_and_gives_no_digest(demo):
    _, _, doc = demo
    sign_in = next(i for i in doc["incidents"] if i["id"] == "2026-03-03-portal-sign-in-failures")
    u2 = sign_in["updates"][1]
    assert u2 == {"update": 2, "at": "2026-03-03T09:05:00Z", "digest": None, "digest_withheld": "withdrawn",
                  "approved_by": [], "retracted": True, "retracted_by": 3, "approved_through_retraction": True,
                  "published_at": "2026-03-03T09:05:00Z"}


RETRACTED_UNAPPROVED = INCIDENT_YML.format(id="outage") + """\
  - id: 3
    at: 2024-07-31T10:30:00Z
    status: resolved
    retracts: 2
    public: Our 10:00 update was posted by mistake.
"""


def test_approved_through_its_retraction(make_site):
    site = make_site({"outage": RETRACTED_UNAPPROVED})
    for n in (1, 3):  # update 2 is never approved; its approved retraction publishes it
        site.approve("outage", n, "comms", "alice")
        site.approve("outage", n, "security", "bob")
    release, _ = gate(site.load(), AT)
    doc = json.loads(approvals_json(release, SITE))
    [inc] = doc["incidents"]
    u1, u2, u3 = inc["updates"]
    assert u2 == {"update": 2, "at": "2024-07-31T10:30:00Z", "digest": None, "digest_withheld": "withdrawn",
                  "approved_by": [], "retracted": True, "retracted_by": 3, "approved_through_retraction": True,
                  "published_at": "2024-07-31T10:30:00Z"}
    assert u1["approved_by"] == u3["approved_by"] == ["comms", "security"]
    assert u3["digest"].startswith("sha256:") and not u3["retracted"] and u3["digest_withheld"] is None


def test_unapproved_updates_are_not_listed(make_site):
    site = make_site({"outage": None})
    site.approve_all(upto=1)
    site.approve("outage", 2, "comms", "alice")  # one team only
    release, _ = gate(site.load(), AT)
    doc = json.loads(approvals_json(release, SITE))
    assert [u["update"] for u in doc["incidents"][0]["updates"]] == [1]
