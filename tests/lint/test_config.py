"""content/lint.yml: severities, phrase lists, domains and months; bad files get file:line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.errors import Severity
from statuskit.lint import RULES, run_lints
from statuskit.lint.config import PHRASE_LISTS, default_config, load_config
from statuskit.model.content import display_path

from linttools import incident, rules, update

AT = "2026-11-27T18:00:00Z"


def test_defaults_cover_every_rule_and_list():
    config = default_config()
    assert set(config.severity) == set(RULES)
    assert all(config.phrases[name] or name == "cadence-context" for name in PHRASE_LISTS)
    assert config.severity["public-technical-detail"] is Severity.ERROR
    assert config.severity["public-contradicts-facts"] is Severity.ERROR
    assert config.severity["public-over-promise"] is Severity.WARNING
    assert config.file is None


def test_no_site_file_means_defaults(tmp_path):
    assert load_config(tmp_path) == (default_config(), [])


def _site_config(tmp_path, text: str):
    (tmp_path / "lint.yml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_a_list_extends_the_defaults(tmp_path):
    config, problems = _site_config(tmp_path, "phrases:\n  empty-reassurance: [world leading security team]\n")
    assert problems == []
    text = incident(update(1, "resolved", public="Our World-Leading\nsecurity teams responded at once."))
    assert rules(text, config) == ["public-empty-reassurance"]
    assert rules(text) == []
    assert "sophisticated" in config.phrases["empty-reassurance"]  # the defaults are still there


def test_remove_and_replace(tmp_path):
    text = incident(update(1, "resolved", public="It was a sophisticated attack. Rest assured, we acted."))
    config, _ = _site_config(tmp_path, "phrases:\n  empty-reassurance: {remove: [sophisticated]}\n")
    assert rules(text, config) == ["public-empty-reassurance"]  # "rest assured" is left
    config, _ = _site_config(tmp_path, "phrases:\n  empty-reassurance: {replace: [we acted]}\n")
    assert config.phrases["empty-reassurance"] == ("we acted",)
    assert rules(text, config) == ["public-empty-reassurance"]


def test_severity_off_and_months(tmp_path):
    config, problems = _site_config(tmp_path, "severity:\n  cadence-next-update: off\nmonths: {add: [januar]}\n")
    assert problems == []
    assert config.severity["cadence-next-update"] is None
    assert rules(incident(update(1, "investigating", public="We are investigating.")), config) == []
    title = ("id: 2026-11-24-portal-incident\nkind: incident\nupdates:\n  - id: 1\n    at: 2026-11-24T08:00:00Z\n"
             "    status: resolved\n    title: Angriff auf die Terminbuchung, 24 Januar 2026\n    impact: major\n"
             "    public: Behoben.\n    technical: EDR alert.\n"
             "    security_incident: true\n")
    assert rules(title, config) == []
    assert rules(title) == ["cadence-title-date"]


@pytest.mark.parametrize("text,expected", [
    ("severity:\n  public-over-promis: error\n",
     "lint.yml:2: severity.public-over-promis: unknown lint rule 'public-over-promis'; did you mean 'public-over-promise'?"),
    ("severity:\n  public-over-promise: fatal\n",
     "lint.yml:2: severity.public-over-promise: severity 'fatal' is not one of: warning, error, off"),
    ("phrase:\n  guarantee: [x]\n",
     "lint.yml:1: phrase: unknown key in lint.yml: 'phrase'; did you mean 'phrases'?"),
    ("phrases:\n  guarantees: [x]\n",
     "lint.yml:2: phrases.guarantees: unknown phrase list 'guarantees'; did you mean 'guarantee'?"),
    ("phrases:\n  guarantee:\n    - ok\n    - \"[never\"\n",
     "lint.yml:4: phrases.guarantee[1]: unbalanced brackets in '[never'; write optional words as [word], [a|b] or [two words]"),
    ("phrases:\n  guarantee:\n    - ... at the start\n",
     "lint.yml:3: phrases.guarantee[0]: '...' must stand between two words in '... at the start'"),
    ("phrases:\n  guarantee: {remove: [we promise]}\n",
     "lint.yml:2: phrases.guarantee.remove[0]: 'we promise' is not in the default list, so it cannot be removed"),
    ("phrases:\n  guarantee: we promise\n",
     "lint.yml:2: phrases.guarantee: expected a list of phrases, or a mapping with add, remove or replace, got 'we promise'"),
    ("domains:\n  allowed: [northbridge]\n",
     "lint.yml:2: domains.allowed[0]: 'northbridge' is not a domain name like status.example.org"),
    ("months: [12]\n", "lint.yml:1: months[0]: expected a month name (text), got 12 (a number)"),
    ("severity: [error]\n", "lint.yml:1: severity: expected severities (rule id: warning, error or off) (a mapping), got a list"),
    ("severity:\n  public-over-promise: error\n  public-over-promise: off\n",
     "lint.yml:3: severity.public-over-promise: duplicate key 'public-over-promise' (first at line 2)"),
    ("phrases: [\n", None),
])
def test_bad_site_file_names_file_and_line(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    config, problems = _site_config(tmp_path, text)
    assert config is None
    if expected is None:
        assert problems[0].file == "lint.yml" and problems[0].line is not None
        assert problems[0].message.startswith("YAML syntax error")
    else:
        assert [str(p) for p in problems] == [expected]


# --- through the CLI ---------------------------------------------------------------------

def _check(root, *args):
    return CliRunner().invoke(cli, ["check", "--content", str(root), "--at", AT, *args])


def test_severity_override_to_error_fails_check(make_site):
    site = make_site({"2024-07-31-outage": None})  # update 1 is open and has no next_update_at
    result = _check(site.root)
    assert result.exit_code == 0, result.output
    assert "warning: update 1 of an open incident (investigating) has public text but no next_update_at" in result.output
    site.write("lint.yml", "severity:\n  cadence-next-update: error\n")
    result = _check(site.root)
    assert result.exit_code == 1, result.output
    file = display_path(site.root / "incidents" / "2024-07-31-outage.yml")
    assert (f"{file}:4: updates[0]: update 1 of an open incident (investigating) has public text but no "
            f"next_update_at; tell readers when to expect the next update [cadence-next-update]") in result.output


def test_bad_lint_file_fails_check_with_its_line(make_site):
    site = make_site({"2024-07-31-outage": None})
    site.write("lint.yml", "severity:\n  cadence-next-update: loud\n")
    result = _check(site.root)
    assert result.exit_code == 1
    file = display_path(site.root / "lint.yml")
    assert f"{file}:2: severity.cadence-next-update: severity 'loud' is not one of: warning, error, off" in result.output


def test_check_json_carries_rule_and_severity(make_site):
    site = make_site({"2024-07-31-outage": None})
    data = json.loads(_check(site.root, "--format", "json").stdout)
    lint = [p for p in data["problems"] if p["rule"] == "cadence-next-update"]
    assert len(lint) == 1 and lint[0]["severity"] == "warning" and lint[0]["line"] == 4


def test_status_shows_lints_per_update(make_site):
    site = make_site({"2024-07-31-outage": None})
    result = CliRunner().invoke(cli, ["status", "--content", str(site.root), "--at", AT])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    i = next(n for n, line in enumerate(lines) if "update 1 " in line)
    assert ("      lint: line 4: warning: update 1 of an open incident (investigating) has public text but no "
            "next_update_at; tell readers when to expect the next update [cadence-next-update]") in lines[i:i + 4]
    data = json.loads(CliRunner().invoke(cli, ["status", "--content", str(site.root), "--at", AT,
                                               "--format", "json"]).stdout)
    u1, u2 = data["incidents"][0]["updates"]
    assert [p["rule"] for p in u1["lints"]] == ["cadence-next-update"] and u2["lints"] == []


def test_approve_shows_the_update_s_lints(make_site):
    from statuskit.workflow.approve import describe

    site = make_site({"2024-07-31-outage": None})
    assert "[cadence-next-update]" in describe(site.root, "2024-07-31-outage", 1).text
    assert "[cadence-next-update]" not in describe(site.root, "2024-07-31-outage", 2).text


def test_demo_content_is_lint_clean(demo_copy):
    from statuskit.model.content import load_content

    assert run_lints(load_content(demo_copy)) == []
