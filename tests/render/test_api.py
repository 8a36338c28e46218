"""Tests for statuskit.render.api: the Statuspage v2 JSON, field by field.

The shape checker below is first run against the real Statuspage response in
tests/fixtures/statuspage (so it describes Statuspage, not our implementation), then
against every endpoint rendered from the demo and from tiny sites at chosen times.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import DEMO_AT, INCIDENT_YML, NAMESPACE, REPO

from statuskit.gate.digest import digest, statement
from statuskit.gate.release import gate
from statuskit.ssh.sshsig import sign
from statuskit.model.content import load_content
from statuskit.render.api import render_api, statuspage_id
from statuskit.render.site import SiteInfo

SITE = SiteInfo("Northbridge Health status", "https://status.example.org/", page_id="nbhstatus001")
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "statuspage" / "statuspage-v2-summary.githubstatus-2022-11-25.json"
ENDPOINTS = (
    "summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
    "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
)
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ID_RE = re.compile(r"^[a-z0-9]{12}$")
COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical"}
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}  # maintenance: Statuspage's, in progress


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def at_ms(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


# --- the shape, taken from the reference response ------------------------------------------

@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


@pytest.fixture(scope="module")
def shape(reference) -> dict[str, list[str]]:
    inc = reference["incidents"][0]
    upd = inc["incident_updates"][0]
    return {
        "summary": list(reference),
        "page": list(reference["page"]),
        "component": list(reference["components"][0]),
        "incident": list(inc),
        "update": list(upd),
        "affected": list(upd["affected_components"][0]),
        "status": list(reference["status"]),
    }


def is_time(v) -> bool:
    return isinstance(v, str) and bool(TIME_RE.match(v))


class Checker:
    """Field-by-field checks of Statuspage v2 objects, key order included."""

    def __init__(self, keys: dict[str, list[str]], page_id: str, id_re=ID_RE, statuskit: bool = True):
        self.keys, self.page_id, self.id_re = keys, page_id, id_re
        self.extra = ["uptime"] if statuskit else []

    def page(self, p: dict) -> None:
        assert list(p) == self.keys["page"]
        assert p["id"] == self.page_id and isinstance(p["name"], str)
        assert p["url"].startswith("https://") and not p["url"].endswith("/")
        assert isinstance(p["time_zone"], str) and is_time(p["updated_at"])

    def status(self, s: dict) -> None:
        assert list(s) == self.keys["status"]
        assert s["indicator"] in INDICATORS and isinstance(s["description"], str) and s["description"]

    def component(self, c: dict) -> None:
        # statuskit's one addition, after Statuspage's keys: ``uptime`` (null for groups and without start_date)
        expected = self.keys["component"] + (["components"] if c.get("group") else []) + self.extra
        assert list(c) == expected, c
        if self.extra:
            assert (c["uptime"] is None) == (c["group"] or c["start_date"] is None)
            assert c["showcase"] == (c["uptime"] is not None)
        assert self.id_re.match(c["id"]) and isinstance(c["name"], str)
        assert c["status"] in COMPONENT_STATUSES
        assert is_time(c["created_at"]) and is_time(c["updated_at"])
        assert isinstance(c["position"], int) and c["position"] >= 1
        assert c["description"] is None or isinstance(c["description"], str)
        assert c["showcase"] in (True, False) and c["only_show_if_degraded"] in (True, False)
        assert c["start_date"] is None or re.match(r"^\d{4}-\d\d-\d\d$", c["start_date"])
        assert c["group_id"] is None or self.id_re.match(c["group_id"])
        assert c["page_id"] == self.page_id and c["group"] in (True, False)
        if c["group"]:
            assert c["group_id"] is None
            assert c["components"] and all(self.id_re.match(i) for i in c["components"])

    def update(self, u: dict, incident_id: str, statuses: set[str]) -> None:
        assert list(u) == self.keys["update"]
        assert self.id_re.match(u["id"]) and u["incident_id"] == incident_id
        assert u["status"] in statuses and isinstance(u["body"], str) and u["body"]
        assert all(is_time(u[k]) for k in ("created_at", "updated_at", "display_at"))
        assert u["affected_components"] is None or (isinstance(u["affected_components"], list)
                                                    and u["affected_components"])
        for a in u["affected_components"] or ():
            assert list(a) == self.keys["affected"]
            assert self.id_re.match(a["code"]) and isinstance(a["name"], str)
            assert a["old_status"] in COMPONENT_STATUSES and a["new_status"] in COMPONENT_STATUSES
        assert u["deliver_notifications"] in (True, False)
        assert u["custom_tweet"] is None and u["tweet_id"] is None

    def incident(self, i: dict) -> None:
        maintenance = i["impact"] == "maintenance"
        expected = self.keys["incident"] + (["scheduled_for", "scheduled_until"] if maintenance else [])
        assert list(i) == expected, list(i)
        assert self.id_re.match(i["id"]) and isinstance(i["name"], str) and i["name"]
        statuses = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
        assert i["status"] in statuses
        assert i["impact"] in IMPACTS | {"maintenance"}
        for k in ("created_at", "updated_at", "started_at"):
            assert is_time(i[k]), k
        for k in ("monitoring_at", "resolved_at"):
            assert i[k] is None or is_time(i[k]), k
        assert (i["resolved_at"] is None) == (i["status"] not in ("resolved", "postmortem", "completed"))
        assert i["shortlink"].startswith("http") and i["page_id"] == self.page_id
        for u in i["incident_updates"]:
            self.update(u, i["id"], statuses)
        created = [u["created_at"] for u in i["incident_updates"]]
        assert created == sorted(created, reverse=True), "incident_updates newest first"
        for c in i["components"]:
            self.component(c)
        if maintenance:
            assert is_time(i["scheduled_for"]) and is_time(i["scheduled_until"])
            assert i["scheduled_for"] < i["scheduled_until"]

    def document(self, name: str, doc: dict) -> None:
        self.page(doc["page"])
        lists = {
            "summary.json": ["page", "components", "incidents", "scheduled_maintenances", "status"],
            "status.json": ["page", "status"],
            "components.json": ["page", "components"],
            "incidents.json": ["page", "incidents"],
            "incidents/unresolved.json": ["page", "incidents"],
            "scheduled-maintenances.json": ["page", "scheduled_maintenances"],
            "scheduled-maintenances/upcoming.json": ["page", "scheduled_maintenances"],
            "scheduled-maintenances/active.json": ["page", "scheduled_maintenances"],
        }[name]
        assert list(doc) == lists
        if "status" in doc:
            self.status(doc["status"])
        for c in doc.get("components", ()):
            self.component(c)
        for i in doc.get("incidents", []) + doc.get("scheduled_maintenances", []):
            self.incident(i)
        for i in doc.get("scheduled_maintenances", ()):
            assert i["impact"] == "maintenance"


def test_the_checker_describes_real_statuspage(reference, shape):
    assert shape["summary"] == ["page", "components", "incidents", "scheduled_maintenances", "status"]
    Checker(shape, "kctbh9vrtdwd", statuskit=False).document("summary.json", reference)


# --- builds ---------------------------------------------------------------------------------

def approve_fast(site, skip=()) -> None:
    """Sign every update as alice (comms) and bob (security), loading the content once."""
    content = site.load()
    for inc in content.incidents:
        for u in inc.updates:
            if (inc.id, u.id) in skip:
                continue
            for team, member in (("comms", "alice"), ("security", "bob")):
                path = site.root / "approvals" / inc.id / str(u.id) / f"{team}--{member}.sig"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(sign(site.keys[member].private, NAMESPACE, statement(inc.id, u.id, digest(u), team, member)))


def api(content, at: datetime) -> dict[str, dict]:
    files = render_api(gate(content, at)[0], SITE)
    assert sorted(files) == sorted(f"api/v2/{e}" for e in ENDPOINTS)
    return {name[len("api/v2/"):]: json.loads(data) for name, data in files.items()}


DEMO_TIMES = {
    "demo": DEMO_AT,
    "maintenance window open": utc(2026, 12, 5, 3),
    "window closed, embargo lifted": utc(2026, 12, 9),
}


@pytest.fixture(scope="module")
def demo_content():
    return load_content(REPO / "content")


@pytest.fixture(scope="module")
def demo(demo_content):
    return {name: api(demo_content, at) for name, at in DEMO_TIMES.items()}


@pytest.mark.parametrize("when", DEMO_TIMES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_has_the_statuspage_shape(demo, shape, when, endpoint):
    Checker(shape, SITE.page_id).document(endpoint, demo[when][endpoint])


def test_summary_is_the_sum_of_the_other_endpoints(demo):
    for docs in demo.values():
        s = docs["summary.json"]
        assert s["page"] == docs["status.json"]["page"]
        assert s["status"] == docs["status.json"]["status"]
        assert s["components"] == docs["components.json"]["components"]
        assert s["incidents"] == docs["incidents/unresolved.json"]["incidents"]
        sm = docs["scheduled-maintenances/active.json"]["scheduled_maintenances"] + \
            docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
        assert s["scheduled_maintenances"] == sm


def test_page_object(demo):
    page = demo["demo"]["summary.json"]["page"]
    assert page == {"id": "nbhstatus001", "name": "Northbridge Health status", "url": "https://status.example.org",
                    "time_zone": "Etc/UTC", "updated_at": "2026-11-27T15:25:00.000Z"}  # the newest update
    # the maintenance window opening at 02:00 changed the page
    assert demo["maintenance window open"]["status.json"]["page"]["updated_at"] == "2026-12-05T02:00:00.000Z"


def test_status_is_the_release_overall(demo_content, demo):
    for name, at in DEMO_TIMES.items():
        overall = gate(demo_content, at)[0].overall
        assert demo[name]["status.json"]["status"] == {"indicator": overall.indicator,
                                                       "description": overall.description}
    assert demo["demo"]["status.json"]["status"] == {"indicator": "minor", "description": "Minor Service Outage"}


def test_ids_are_stable_unique_and_derived_from_content_ids(demo_content, demo):
    again = api(demo_content, DEMO_AT)
    assert again == demo["demo"]
    docs = demo["window closed, embargo lifted"]
    incidents = docs["incidents.json"]["incidents"]
    ransomware = next(i for i in incidents if i["shortlink"].endswith("/2026-11-24-ransomware-scheduling/"))
    assert ransomware["id"] == statuspage_id("incident", "2026-11-24-ransomware-scheduling")
    assert ransomware["incident_updates"][-1]["id"] == statuspage_id("incident_update",
                                                                      "2026-11-24-ransomware-scheduling#1")
    ids = [i["id"] for i in incidents] + [u["id"] for i in incidents for u in i["incident_updates"]]
    ids += [c["id"] for c in docs["components.json"]["components"]]
    assert len(ids) == len(set(ids))
    # the same ids at another build time
    earlier = {i["shortlink"]: i["id"] for i in demo["demo"]["incidents.json"]["incidents"]}
    assert earlier.items() <= {i["shortlink"]: i["id"] for i in incidents}.items()


def test_incidents_json_lists_incidents_and_maintenances_newest_first(demo):
    incidents = demo["demo"]["incidents.json"]["incidents"]
    slugs = [i["shortlink"].split("/")[-2] for i in incidents]
    assert slugs == [
        "2026-11-27-pharmacy-refills-degraded", "2026-12-05-scheduling-network-maintenance",
        "2026-11-24-ransomware-scheduling", "2026-10-14-pharmacy-refill-delays",
        "2026-08-21-ddos-website-partner-api", "2026-06-09-telehealth-video-provider",
        "2026-04-18-portal-database-upgrade", "2026-03-03-portal-sign-in-failures",
    ]
    by_slug = dict(zip(slugs, incidents, strict=True))
    assert by_slug["2026-04-18-portal-database-upgrade"]["impact"] == "maintenance"
    assert by_slug["2026-04-18-portal-database-upgrade"]["status"] == "completed"
    assert "scheduled_for" not in by_slug["2026-11-24-ransomware-scheduling"]
    maint = [i["shortlink"] for i in demo["demo"]["scheduled-maintenances.json"]["scheduled_maintenances"]]
    assert [m.split("/")[-2] for m in maint] == ["2026-12-05-scheduling-network-maintenance",
                                                "2026-04-18-portal-database-upgrade"]


def test_a_retracted_update_shows_only_that_it_was_retracted(demo):
    incidents = demo["demo"]["incidents.json"]["incidents"]
    sign_in = next(i for i in incidents if "portal-sign-in" in i["shortlink"])
    u2 = next(u for u in sign_in["incident_updates"] if u["body"].startswith("Update 2 "))
    assert u2["body"] == "Update 2 was withdrawn on 3 March 2026, 09:05 UTC."
    # dated by the retraction: nothing of update 2's own (not its time either)
    assert u2["created_at"] == u2["updated_at"] == u2["display_at"] == "2026-03-03T09:05:00.000Z"
    assert u2["id"] == statuspage_id("incident_update", "2026-03-03-portal-sign-in-failures#2")
    for docs in demo.values():
        assert "Appointment scheduling is also affected" not in json.dumps(docs)
        assert "2026-03-03T08:45" not in json.dumps(docs)


# --- tiny sites at chosen times -------------------------------------------------------------

MAINTENANCE_YML = """\
id: 2024-08-10-db-upgrade
kind: maintenance
updates:
  - id: 1
    at: 2024-08-01T09:00:00Z
    status: scheduled
    title: Scheduling database upgrade
    impact: maintenance
    scheduled: {from: 2024-08-10T02:00:00Z, until: 2024-08-10T06:00:00Z}
    components:
      scheduling: under_maintenance
    public: We will upgrade the scheduling database.
"""

RETRACT_YML = """\
id: 2024-09-01-portal
kind: incident
updates:
  - id: 1
    at: 2024-09-01T08:00:00Z
    status: investigating
    title: Portal sign-in errors
    impact: minor
    components: {patient-portal: partial_outage}
    public: Some sign-ins fail.
  - id: 2
    at: 2024-09-01T08:30:00Z
    status: identified
    public: WRONG-TEXT-POSTED-BY-MISTAKE
  - id: 3
    at: 2024-09-01T08:45:00Z
    status: identified
    retracts: 2
    public: We withdrew the 08:30 update.
  - id: 4
    at: 2024-09-01T09:00:00Z
    status: monitoring
    components: {patient-portal: degraded_performance}
    technical: Certificate replaced on the identity provider.
  - id: 5
    at: 2024-09-01T09:30:00Z
    status: resolved
    public: Fixed.
"""


@pytest.fixture
def tiny(make_site):
    site = make_site({"2024-07-31-outage": INCIDENT_YML.format(id="2024-07-31-outage"),
                      "2024-08-10-db-upgrade": MAINTENANCE_YML, "2024-09-01-portal": RETRACT_YML})
    approve_fast(site)
    return site.load()


def test_unresolved_follows_the_build_time(tiny, shape):
    during = api(tiny, utc(2024, 7, 31, 9, 30))
    for name, doc in during.items():
        Checker(shape, SITE.page_id).document(name, doc)
    [open_] = during["incidents/unresolved.json"]["incidents"]
    assert open_["name"] == "Appointment scheduling unavailable"
    assert (open_["status"], open_["impact"], open_["resolved_at"]) == ("investigating", "major", None)
    assert during["summary.json"]["incidents"] == [open_]
    assert during["status.json"]["status"] == {"indicator": "critical", "description": "Major System Outage"}
    scheduling = next(c for c in during["components.json"]["components"] if c["name"] == "Appointment scheduling")
    assert scheduling["status"] == "major_outage" and scheduling["updated_at"] == "2024-07-31T09:05:00.000Z"

    after = api(tiny, utc(2024, 7, 31, 12))
    assert after["incidents/unresolved.json"]["incidents"] == []
    [closed] = after["incidents.json"]["incidents"]
    assert (closed["status"], closed["resolved_at"]) == ("resolved", "2024-07-31T10:00:00.000Z")
    assert after["status.json"]["status"] == {"indicator": "none", "description": "All Systems Operational"}


def test_upcoming_and_active_maintenance_follow_the_build_time(tiny, shape):
    def docs(at):
        d = api(tiny, at)
        for name, doc in d.items():
            Checker(shape, SITE.page_id).document(name, doc)
        return d

    def scheduling(d):
        return next(c for c in d["components.json"]["components"] if c["name"] == "Appointment scheduling")

    before = docs(utc(2024, 8, 5))
    [m] = before["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
    assert (m["status"], m["scheduled_for"], m["scheduled_until"]) == (
        "scheduled", "2024-08-10T02:00:00.000Z", "2024-08-10T06:00:00.000Z")
    assert before["scheduled-maintenances/active.json"]["scheduled_maintenances"] == []
    assert before["summary.json"]["scheduled_maintenances"] == [m]
    assert scheduling(before)["status"] == "operational"  # an announcement changes nothing yet
    assert before["status.json"]["status"]["description"] == "All Systems Operational"

    during = docs(utc(2024, 8, 10, 3))
    [m] = during["scheduled-maintenances/active.json"]["scheduled_maintenances"]
    assert m["status"] == "in_progress" and m["updated_at"] == "2024-08-10T02:00:00.000Z"
    assert during["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"] == []
    assert scheduling(during)["status"] == "under_maintenance"
    assert scheduling(during)["updated_at"] == "2024-08-10T02:00:00.000Z"
    # Statuspage's indicator during maintenance with nothing else wrong (not "none": clients say "No issues")
    assert during["status.json"]["status"] == {"indicator": "maintenance", "description": "Service Under Maintenance"}
    assert during["status.json"]["page"]["updated_at"] == "2024-08-10T02:00:00.000Z"

    after = docs(utc(2024, 8, 10, 7))
    assert after["scheduled-maintenances/active.json"]["scheduled_maintenances"] == []
    assert after["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"] == []
    [m] = [i for i in after["scheduled-maintenances.json"]["scheduled_maintenances"]]
    assert (m["status"], m["resolved_at"]) == ("completed", "2024-08-10T06:00:00.000Z")
    assert scheduling(after)["status"] == "operational"
    assert [u["body"] for u in m["incident_updates"]] == ["We will upgrade the scheduling database."]


def incident(docs, name: str) -> dict:
    return next(i for i in docs["incidents.json"]["incidents"] if i["name"] == name)


def test_affected_components_come_from_the_fold(tiny):
    docs = api(tiny, utc(2024, 10, 1))
    outage = incident(docs, "Appointment scheduling unavailable")
    resolved, first = outage["incident_updates"]
    scheduling = statuspage_id("component", "scheduling")
    assert first["affected_components"] == [{"code": scheduling, "name": "Appointment scheduling",
                                             "old_status": "operational", "new_status": "major_outage"}]
    # resolving names no component, yet returns scheduling to operational
    assert resolved["affected_components"] == [{"code": scheduling, "name": "Appointment scheduling",
                                                "old_status": "major_outage", "new_status": "operational"}]
    maintenance = incident(docs, "Scheduling database upgrade")["incident_updates"][0]
    assert maintenance["affected_components"][0]["new_status"] == "under_maintenance"
    portal = incident(docs, "Portal sign-in errors")
    retraction = next(u for u in portal["incident_updates"] if u["body"].startswith("We withdrew"))
    assert retraction["affected_components"] is None  # it changes no component


def test_retracted_and_technical_only_updates(tiny):
    docs = api(tiny, utc(2024, 10, 1))
    portal = incident(docs, "Portal sign-in errors")
    ups = portal["incident_updates"]
    assert [u["created_at"][11:16] for u in ups] == ["09:30", "08:45", "08:45", "08:00"]  # no 09:00 (technical only)
    assert ups[2]["body"] == "Update 2 was withdrawn on 1 September 2024, 08:45 UTC."
    assert ups[2]["updated_at"] == "2024-09-01T08:45:00.000Z" and ups[2]["status"] == "identified"
    # the technical-only update's change is reported on the next listed update
    assert ups[0]["affected_components"] == [{"code": statuspage_id("component", "patient-portal"),
                                              "name": "Patient portal", "old_status": "partial_outage",
                                              "new_status": "operational"}]
    assert portal["monitoring_at"] == "2024-09-01T09:00:00.000Z"
    blob = json.dumps(docs)
    assert "WRONG-TEXT-POSTED-BY-MISTAKE" not in blob and "identity provider" not in blob


LATE_RETRACTION_YML = """\
id: 2024-09-02-portal
kind: incident
updates:
  - id: 1
    at: 2024-09-02T08:00:00Z
    status: investigating
    title: Portal sign-in errors
    impact: minor
    public: Some sign-ins fail.
  - id: 2
    at: 2024-09-02T08:05:00Z
    status: investigating
    components: {scheduling: degraded_performance}
    technical: Technical only.
  - id: 3
    at: 2024-09-02T08:10:00Z
    status: identified
    components: {patient-portal: major_outage}
    public: WRONG-TEXT-POSTED-BY-MISTAKE
  - id: 4
    at: 2024-09-02T08:20:00Z
    status: identified
    public: We are working on it.
  - id: 5
    at: 2024-09-02T09:00:00Z
    status: monitoring
    retracts: 3
    public: We withdrew an update posted by mistake.
"""


def test_a_withdrawn_update_is_listed_with_its_retraction_and_changes_nothing(make_site):
    site = make_site({"2024-09-02-portal": LATE_RETRACTION_YML})
    approve_fast(site, skip={("2024-09-02-portal", 3)})  # never signed
    [inc] = api(site.load(), utc(2024, 10, 1))["incidents.json"]["incidents"]
    ups = inc["incident_updates"]
    assert [(u["created_at"][11:16], u["body"][:9]) for u in ups] == [
        ("09:00", "We withdr"), ("09:00", "Update 3 "), ("08:20", "We are wo"), ("08:00", "Some sign")]
    marker = ups[1]
    assert marker["affected_components"] is None and marker["status"] == "monitoring"
    # update 2's change (technical only) is reported on the next listed update, not on the marker
    assert [c["name"] for c in ups[2]["affected_components"]] == ["Appointment scheduling"]
    assert "WRONG-TEXT" not in json.dumps(inc) and "08:10" not in json.dumps(inc)


def test_component_groups_are_group_components(tiny):
    comps = api(tiny, utc(2024, 7, 31, 9, 30))["components.json"]["components"]
    assert [(c["name"], c["group"], c["position"]) for c in comps] == [
        ("Clinical services", True, 1), ("Patient portal", False, 1), ("Appointment scheduling", False, 2),
        ("Website", False, 2)]  # as on Statuspage, members are numbered inside their group
    group, portal, scheduling, website = comps
    assert group["id"] == statuspage_id("group", "Clinical services")
    assert group["components"] == [portal["id"], scheduling["id"]]
    assert portal["group_id"] == scheduling["group_id"] == group["id"] and website["group_id"] is None
    assert group["status"] == "major_outage"  # the worst of its members
    assert group["updated_at"] == "2024-07-31T09:05:00.000Z"


def test_times_have_milliseconds_and_z(tiny):
    blob = b"".join(render_api(gate(tiny, utc(2024, 10, 1))[0], SITE).values()).decode()
    stamps = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', blob)
    assert stamps and all(TIME_RE.match(s) for s in stamps)
    assert at_ms(utc(2024, 7, 31, 9, 5)) in stamps


def test_bodies_are_plain_text_without_the_yaml_line_wraps(demo):
    """Statuspage sends plain text with real line breaks only: no Markdown marks, no wrap of the YAML."""
    bodies = [u["body"] for docs in demo.values() for i in docs["incidents.json"]["incidents"]
              for u in i["incident_updates"]]
    assert len(bodies) > 20
    for body in bodies:
        assert "**" not in body and "](" not in body
        for line in body.split("\n"):  # a line is a paragraph, a list item, or empty between them
            assert line == "" or line.startswith("- ") or line[-1] in ".:;!?)", (line, body)
    ransomware = next(i for i in demo["demo"]["incidents.json"]["incidents"] if "ransomware" in i["shortlink"])
    first = ransomware["incident_updates"][-1]["body"]
    assert first.startswith("We are responding to a cyber security incident affecting some of our computer systems. ")


MARKDOWN_YML = """\
id: 2024-07-31-outage
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
      We are **investigating** an outage of
      appointment scheduling.

      - Call the [clinic](https://example.org/clinics)
        instead.
      - Do not rebook.
"""


def test_a_markdown_body_becomes_statuspage_plain_text(make_site):
    site = make_site({"2024-07-31-outage": MARKDOWN_YML})
    approve_fast(site)
    [inc] = api(site.load(), utc(2024, 8, 1))["incidents.json"]["incidents"]
    assert inc["incident_updates"][0]["body"] == (
        "We are investigating an outage of appointment scheduling.\n\n"
        "- Call the clinic (https://example.org/clinics) instead.\n- Do not rebook.")
