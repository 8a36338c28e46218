"""Each lint rule, with texts written the way a comms team writes them."""

from __future__ import annotations

import pytest

from statuskit.errors import Severity

from linttools import FILE, incident, lint, rules, update

OPEN_FACTS = "next_update_at: 2026-11-24T12:00:00Z"


def public_rules(text: str, *, status: str = "identified", facts: str = "", kind_facts_first: str = "") -> list[str]:
    """Rules found in update 2's public text (update 1 may set facts that fold forward)."""
    extra = facts
    if status not in ("resolved", "postmortem"):
        extra = (extra + "\n" + OPEN_FACTS).strip()
    inc = incident(
        update(1, "investigating", public="We are investigating.",
               extra=("next_update_at: 2026-11-24T09:00:00Z\n" + kind_facts_first).strip()),
        update(2, status, public=text, extra=extra),
    )
    return sorted({p.rule for p in lint(inc) if p.field and p.field.startswith("updates[1]")})


# --- public-over-promise -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We expect the portal to be back up shortly.",
    "Our engineers tell us it will be FIXED by 5pm today.",
    "Booking should be restored\nwithin the hour, and we will keep you posted.",
    "We\u2019re confident the service will be back online soon.",
    "We expect everything to be up and running again in the next few hours.",
    "We are working hard and expect a fix by the end of the day.",
    "The attacker has been **fully contained**.",
    "We guarantee that this won\u2019t happen again.",
    "Our systems are now 100% secure.",
    "No patient data was affected.",
    "Rest easy: your personal information remains secure.",
])
def test_over_promise_found_while_open(text):
    assert "public-over-promise" in public_rules(text)


@pytest.mark.parametrize("text", [
    "We will update this page within the hour.",
    "We don\u2019t expect it to be fixed within the hour, and we will post another update at 16:00 UTC.",
    "We can\u2019t promise it will be back up shortly, but we are working on it.",
    "We cannot guarantee when the portal will return.",
    "Requests are being confirmed within a few minutes.",
    "Is my data safe?\n\nWe are still investigating and will tell you what we find.",
    "To keep your information safe, choose a new password.",
    "Clinics are open as usual. Call your clinic to book.",
])
def test_over_promise_not_found_in_honest_text(text):
    assert "public-over-promise" not in public_rules(text)


def test_time_promises_are_fine_once_resolved():
    assert public_rules("The portal was back up within the hour, fully fixed.", status="resolved") == []


def test_complete_fix_is_over_promise_while_exposure_is_investigated():
    found = public_rules("The incident is now fully resolved.", status="resolved",
                         kind_facts_first="data_exposure: under_investigation")
    assert found == ["public-over-promise"]


def test_no_data_claim_is_backed_by_facts():
    assert public_rules("No patient information was affected.", facts="data_exposure: none") == []
    assert public_rules("No patient information was affected.") == ["public-over-promise"]


def test_guarantees_are_over_promise_even_when_resolved():
    assert public_rules("It\u2019s fixed, and we can guarantee it will never happen again.", status="resolved") \
        == ["public-over-promise"]


# --- public-contradicts-facts ------------------------------------------------------------

@pytest.mark.parametrize("text,exposure", [
    ("We\u2019re pleased to say that no patient data was accessed.", "under_investigation"),
    ("Patient records were **NOT**\naffected.", "confirmed"),
    ("We have found no evidence that any personal information was\ntaken.", "confirmed"),
    ("Rest assured that your data is safe with us.", "confirmed"),
])
def test_data_claims_contradict_exposure(text, exposure):
    assert "public-contradicts-facts" in public_rules(text, kind_facts_first=f"data_exposure: {exposure}")


@pytest.mark.parametrize("text,exposure", [
    ("We have no evidence that any patient data was accessed, and our investigation continues.", "under_investigation"),
    ("We do not yet know whether any patient information was taken.", "under_investigation"),
    ("Names and dates of birth were copied. Medical records were not in the files.", "confirmed"),
    ("No patient data was affected.", "none"),
])
def test_honest_data_statements_do_not_contradict(text, exposure):
    assert "public-contradicts-facts" not in public_rules(text, kind_facts_first=f"data_exposure: {exposure}")


def test_contradiction_names_the_update_that_set_the_fact():
    inc = incident(
        update(1, "investigating", public="We are investigating.",
               extra="next_update_at: 2026-11-24T09:00:00Z\ndata_exposure: confirmed"),
        update(2, "identified", public="No customer data was leaked.", extra=OPEN_FACTS),
    )
    (p,) = [p for p in lint(inc) if p.rule == "public-contradicts-facts"]
    assert p.severity is Severity.ERROR
    assert p.message == ('public text says no data was affected ("No customer data was leaked"), '
                         'but data_exposure is confirmed (set in update 1)')


@pytest.mark.parametrize("text,status", [
    ("The problem has been fixed, and we\u2019re keeping a close eye on things.", "monitoring"),
    ("We\u2019ve resolved the issue.", "identified"),
    ("This incident is now\nresolved.", "monitoring"),
    ("The outage is over.", "monitoring"),
])
def test_resolved_claims_contradict_open_status(text, status):
    assert "public-contradicts-facts" in public_rules(text, status=status)


@pytest.mark.parametrize("text,status", [
    ("A fix has been implemented and we are monitoring the results.", "monitoring"),
    ("We will update this page once the problem is fixed.", "identified"),
    ("The issue hasn\u2019t been fully resolved yet.", "identified"),
    ("The issue has been fixed.", "resolved"),
    ("The incident is resolved. We are sorry for the trouble.", "postmortem"),
])
def test_resolved_claims_that_fit_the_status(text, status):
    assert "public-contradicts-facts" not in public_rules(text, status=status)


def test_a_phrase_is_reported_once_under_the_stronger_rule():
    found = lint(incident(
        update(1, "investigating", public="We are investigating.", extra="next_update_at: 2026-11-24T09:00:00Z"),
        update(2, "monitoring", public="The issue is now fully resolved.", extra=OPEN_FACTS),
    ))
    assert [p.rule for p in found] == ["public-contradicts-facts"]


# --- public-technical-detail -------------------------------------------------------------

@pytest.mark.parametrize("text,what", [
    ("Traffic came from 203.0.113.47 and has been blocked.", "an IPv4 address (203.0.113.47)"),
    ("Connections to 203.0.113[.]47 are blocked.", "an IPv4 address (203.0.113[.]47)"),
    ("We blocked 2001:db8::dead:beef at the edge.", "an IPv6 address (2001:db8::dead:beef)"),
    ("The malware talked to evil-updates.example.net.", "a domain (evil-updates.example.net)"),
    ("Do not open https://portal-docs-share.example/inv/NBH-1187.docm", "a URL (https://portal-docs-share.example/inv/NBH-1187.docm)"),
    ("The file (e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855) was removed.",
     "a file hash (sha256) (e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)"),
    ("Hash d41d8cd98f00b204e9800998ecf8427e.", "a file hash (md5) (d41d8cd98f00b204e9800998ecf8427e)"),
    ("The attackers used a firewall flaw (cve-2024-3400).", "a CVE id (cve-2024-3400)"),
    ("This matches technique T1486.", "an ATT&CK technique id (T1486)"),
    ("Emails came from billing@invoices-northbridge.example.", "an email address (billing@invoices-northbridge.example)"),
])
def test_technical_detail_in_public_text(text, what):
    (p,) = [p for p in lint(incident(update(1, "resolved", public=text))) if p.rule == "public-technical-detail"]
    assert p.severity is Severity.ERROR
    assert what in p.message


@pytest.mark.parametrize("text", [
    "Please resubmit requests that failed between 13:00 and 14:40 UTC.",
    "The app (version 2.1) works again, e.g. for booking.",
    "Our clinics open at 8 a.m. in the U.S. and the UK.",
    "We will update this page by 10:30:00 UTC on 26 November.",
    "Call 0800 123 4567 or write to us.",
    "Our Node.js and ASP.NET services are fine.",
    "It was 1.8 times slower than usual.",
])
def test_plain_text_has_no_technical_detail(text):
    assert "public-technical-detail" not in rules(incident(update(1, "resolved", public=text)))


def test_indicator_values_from_any_report_are_caught_even_unusual_ones():
    inc = incident(
        update(1, "identified", public="A ransom note called NB_SCHED_RECOVER.TXT was left on servers.",
               extra="next_update_at: 2026-11-24T09:00:00Z"),
        update(2, "resolved", technical="Report below.", extra="""
            report:
              indicators:
                - {type: filename, value: nb_sched_recover.txt, context: Ransom note}
        """),
    )
    (p,) = [p for p in lint(inc) if p.rule == "public-technical-detail"]
    assert "an indicator from the incident's report (NB_SCHED_RECOVER.TXT)" in p.message
    assert p.field == "updates[0].public"


def test_site_domains_are_allowed(tmp_path):
    from statuskit.lint.config import load_config

    (tmp_path / "lint.yml").write_text("domains:\n  allowed: [northbridge.example]\n")
    config, problems = load_config(tmp_path)
    assert not problems
    inc = incident(update(1, "resolved", public="See https://status.northbridge.example/history or email help@northbridge.example."))
    assert rules(inc, config) == []
    assert "public-technical-detail" in rules(inc)


def test_customer_facing_fields_are_checked_too():
    inc = incident(update(1, "resolved", public="Please read the advice below.", extra="""
        affected_customers: Users who visited 198.51.100.23
        customer_actions:
          - {id: block, text: "Block evil.example.org in your browser."}
    """))
    fields = sorted(p.field for p in lint(inc) if p.rule == "public-technical-detail")
    assert fields == ["updates[0].affected_customers", "updates[0].customer_actions[0].text"]


# --- public-empty-reassurance ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We take the privacy and security of our patients\u2019 data extremely seriously.",
    "WE TAKE SECURITY SERIOUSLY.",
    "This was a highly-sophisticated cyber\u2011attack.",
    "Out of an abundance of\ncaution, we took systems offline.",
    "The security of our patients is our top priority.",
    "We use industry-leading security measures.",
])
def test_empty_reassurance(text):
    assert public_rules(text, status="resolved") == ["public-empty-reassurance"]


@pytest.mark.parametrize("text", [
    "We took the scheduling system offline as a precaution.",
    "Thank you for your patience.",
    "We are working with outside specialists to find out what happened.",
])
def test_plain_statements_are_not_empty_reassurance(text):
    assert public_rules(text, status="resolved") == []


# --- customer-action-parity --------------------------------------------------------------

ACTIONS = """
customer_actions:
  - id: reset-password
    text: "Choose a new password the next time you sign in to the patient portal."
"""


def _parity(public: str | None, technical: str | None = None) -> list:
    inc = incident(update(1, "resolved", public=public, technical=technical, extra=ACTIONS))
    return [p for p in lint(inc) if p.rule == "customer-action-parity"]


def test_a_paraphrase_of_an_action_is_reported():
    (p,) = _parity("Next time you sign in to the portal, please pick a new password.")
    assert p.field == "updates[0].public"
    assert "paraphrases customer action 'reset-password'" in p.message


def test_a_negated_paraphrase_contradicts_the_action():
    (p,) = _parity("You do not need to choose a new password the next time you sign in to the patient portal.")
    assert "contradicts customer action 'reset-password'" in p.message


def test_quoting_the_action_or_leaving_it_out_is_fine():
    assert _parity("What to do:\n\n- Choose a new password the next\n  time you sign in to the **patient portal**.") == []
    assert _parity("Online booking is working again.") == []


def test_the_technical_track_is_checked_and_actions_fold_forward():
    inc = incident(
        update(1, "identified", public="Please read the advice below.",
               extra=ACTIONS + "next_update_at: 2026-11-24T09:00:00Z"),
        update(2, "resolved", public="Fixed.", technical="Users must pick a new password next time they sign in to the portal."),
    )
    (p,) = [p for p in lint(inc) if p.rule == "customer-action-parity"]
    assert p.field == "updates[1].technical"


# --- cadence -----------------------------------------------------------------------------

def test_open_update_without_next_update_at():
    inc = incident(update(1, "investigating", public="We are investigating."))
    (p,) = lint(inc)
    assert (p.rule, p.line, p.field) == ("cadence-next-update", 4, "updates[0]")
    assert p.severity is Severity.WARNING


@pytest.mark.parametrize("upd", [
    update(1, "resolved", public="It was fixed."),
    update(1, "investigating", technical="EDR alert on two hosts.",
           extra="public: We are investigating.\nnext_update_at: 2026-11-24T09:00:00Z"),
])
def test_cadence_is_quiet_when_it_should_be(upd):
    assert "cadence-next-update" not in rules(incident(upd))


def test_maintenance_needs_no_next_update_at():
    inc = incident(
        "  - id: 1\n    at: 2026-11-24T08:00:00Z\n    status: in_progress\n    title: Database upgrade\n"
        "    impact: maintenance\n    scheduled: {from: 2026-11-24T08:00:00Z, until: 2026-11-24T10:00:00Z}\n"
        "    public: The upgrade has started.\n", kind="maintenance")
    assert rules(inc) == []


def _titled(title: str, technical: str | None = "EDR alerts on two hosts.", security: bool | None = True) -> str:
    return (f"id: 2026-11-24-portal-incident\nkind: incident\nupdates:\n  - id: 1\n    at: 2026-11-24T08:00:00Z\n"
            f"    status: resolved\n    title: \"{title}\"\n    impact: major\n    public: It is fixed.\n"
            + (f"    technical: {technical}\n" if technical else "")
            + (f"    security_incident: {str(security).lower()}\n" if security is not None else ""))


@pytest.mark.parametrize("title", [
    "Ransomware attack on appointment scheduling, 24 November 2026",
    "Security incident (Nov 24)",
    "2026-11-24: data breach",
    "Data breach of 24/11/2026",
    "Ransomware attack, November 2026",
])
def test_dated_security_titles_pass(title):
    assert rules(_titled(title)) == []


def test_undated_security_title():
    (p,) = lint(_titled("Ransomware attack on appointment scheduling"))
    assert (p.rule, p.line, p.field) == ("cadence-title-date", 7, "updates[0].title")
    assert 'e.g. "…, 24 November 2026"' in p.message


def test_undated_title_is_fine_without_security_content():
    assert rules(_titled("Scheduling unavailable", technical=None, security=None)) == []


@pytest.mark.parametrize("security", [None, False])
def test_technical_text_alone_does_not_make_a_security_incident(security):
    # a CDN misconfiguration has technical text, a report and even data facts, but is no security incident
    inc = incident(
        "  - id: 1\n    at: 2026-11-24T08:00:00Z\n    status: resolved\n    title: Website unreachable\n"
        "    impact: major\n    public: The website is back.\n"
        "    technical: A CDN configuration change sent all traffic to a retired origin pool.\n"
        "    data_exposure: under_investigation\n    data_categories: [web logs]\n"
        + (f"    security_incident: {str(security).lower()}\n" if security is not None else ""))
    assert "cadence-title-date" not in rules(inc)



def test_undated_title_is_reported_where_the_incident_becomes_a_security_one():
    inc = incident(
        "  - id: 1\n    at: 2026-11-24T08:00:00Z\n    status: resolved\n    title: Portal slow\n    impact: minor\n"
        "    public: It is fixed.\n",
        update(2, "postmortem", public="We found the cause.", extra="data_exposure: confirmed\nsecurity_incident: true"),
    )
    (p,) = lint(inc)
    assert (p.rule, p.field) == ("cadence-title-date", "updates[1]")


# --- report hygiene ----------------------------------------------------------------------

def _report(body: str) -> str:
    return incident(update(1, "resolved", public="It is fixed.", technical="Report below.",
                           extra="report:\n" + body))


@pytest.mark.parametrize("value,typ", [
    ("198.51.100.23", "ipv4"),
    ("evil-updates.example.net", "domain"),
    ("D41D8CD98F00B204E9800998ECF8427E", "md5"),
    ("hxxps://evil[.]example/payload", "url"),
    ("ops@evil.example.com", "email"),
])
def test_untyped_indicator(value, typ):
    found = [p for p in lint(_report(f"  indicators:\n    - {{type: other, value: \"{value}\"}}\n"))
             if p.rule == "report-indicator-untyped"]
    assert len(found) == 1
    assert found[0].field == "updates[0].report.indicators[0]"
    assert f"set type: {typ}" in found[0].message


@pytest.mark.parametrize("value", [
    "User-Agent: Mozilla/5.0 (compatible; NBHcheck/2.1)",
    "svchost.exe started from %TEMP%",
    "Scheduled task named UpdateSync",
])
def test_other_indicators_that_are_really_other(value):
    assert rules(_report(f"  indicators:\n    - {{type: other, value: \"{value}\"}}\n")) == []


def test_timeline_out_of_utc_order():
    body = ("  timeline:\n"
            "    - {at: 2026-11-24T07:00:00Z, event: Alert}\n"
            "    - {at: 2026-11-24T08:00:00+02:00, event: 'Earlier, in local time'}\n")
    (p,) = lint(_report(body))
    assert p.rule == "report-timeline-order"
    assert p.message == ("timeline entry 2 (2026-11-24T06:00:00Z) comes before entry 1 (2026-11-24T07:00:00Z) "
                         "in time; list the timeline in UTC order")


def test_timeline_in_order_with_equal_times():
    body = ("  timeline:\n"
            "    - {at: 2026-11-24T07:00:00Z, event: Alert}\n"
            "    - {at: 2026-11-24T09:00:00+02:00, event: Same time}\n"
            "    - {at: 2026-11-24T08:00:00Z, event: Later}\n")
    assert rules(_report(body)) == []


# --- acknowledge, lines, retractions -----------------------------------------------------

def test_acknowledged_rule_is_not_reported_but_others_are():
    inc = incident(update(1, "identified", public="Blocked 203.0.113.47. We take security seriously.",
                          extra="acknowledge: [public-technical-detail]"))
    assert sorted(rules(inc)) == ["cadence-next-update", "public-empty-reassurance"]


def test_unknown_acknowledged_rule_is_an_error_with_its_line():
    inc = incident(update(1, "resolved", public="Fixed.", extra="acknowledge: [public-tech-detail]"))
    (p,) = lint(inc)
    assert str(p) == (f"{FILE}:9: updates[0].acknowledge: unknown lint rule 'public-tech-detail'; "
                      f"did you mean 'public-technical-detail'? [acknowledge-unknown]")
    assert p.severity is Severity.ERROR


def test_the_line_points_inside_the_block():
    inc = incident(update(1, "resolved", public="""
        The portal works again.

        Traffic came from
        203.0.113.47 and was blocked.
    """))
    (p,) = lint(inc)
    assert p.line == 13  # public: is on line 9; its text starts on line 10
    assert p.field == "updates[0].public"


def test_retracted_updates_are_not_linted():
    inc = incident(
        update(1, "identified", public="We are investigating.", extra="next_update_at: 2026-11-24T09:00:00Z"),
        update(2, "identified", public="Traffic came from 203.0.113.47."),
        update(3, "identified", public="We withdrew our last update.",
               extra="retracts: 2\nnext_update_at: 2026-11-24T12:00:00Z"),
    )
    assert rules(inc) == []
