"""Tests for ``statuskit approve`` (statuskit/approve.py through the CLI).

Signing runs the real ``ssh-keygen -Y sign`` with the test keys.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import NAMESPACE
from statuskit.cli.main import cli
from statuskit.gate.approvals import all_approvals
from statuskit.gate.digest import digest
from statuskit.ssh.sshsig import parse_armored, public_key_blob
from statuskit.model.content import display_path
from statuskit.workflow.approve import fingerprint

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

INC = "2024-07-31-scheduling-outage"
TEXT = f"""\
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
      We are investigating an outage of appointment scheduling.
    technical: |
      EDR alerts on two scheduling hosts; both isolated.
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: resolved
    technical_embargo_until: 2024-08-14T00:00:00Z
    public: |
      Scheduling is working again.
"""


def approve(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["approve", *args, "--content", str(root)], input=input)


def sig_path(root: Path, update: int, team: str, member: str) -> Path:
    return root / "approvals" / INC / str(update) / f"{team}--{member}.sig"


def sig_files(root: Path) -> list[Path]:
    return sorted((root / "approvals").rglob("*")) if (root / "approvals").exists() else []


@pytest.fixture
def site(make_site):
    return make_site({INC: TEXT})


@pytest.fixture(autouse=True)
def _no_agent_no_home_keys(tmp_path, monkeypatch):
    """No ssh-agent and no ~/.ssh of the machine's user: the keys are the ones each test gives."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_shows_the_update_and_writes_the_signature(site):
    key = site.keys["alice"].path
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice", "--key", str(key), "--yes")
    assert result.exit_code == 0, result.output
    d = digest(site.load().incident(INC).update(1))
    out = result.stdout
    assert f"Incident {INC} (incident), update 1 of 2\n" in out
    assert "--- public (customers) ---\n  We are investigating an outage of appointment scheduling.\n" in out
    assert "--- technical (industry peers) ---\n  EDR alerts on two scheduling hosts; both isolated.\n" in out
    assert "  component scheduling: major_outage\n" in out
    assert f"\ndigest: {d}\n" in out
    path = sig_path(site.root, 1, "comms", "alice")
    assert out.endswith(f"wrote {display_path(path)}; commit it to the pull request\n")
    # the file is at the spec's path, made by ssh-keygen with alice's key in the site's namespace
    assert path.is_file()
    sig = parse_armored(path.read_bytes())
    assert sig.namespace == NAMESPACE
    assert sig.public_key == public_key_blob(site.keys["alice"].public)
    assert all_approvals(site.load())[(INC, 1)].valid == (("comms", "alice"),)


def test_without_update_every_pending_update_is_signed_and_embargoes_are_shown(site):
    key = site.keys["bob"].path
    result = approve(site.root, INC, "--team", "security", "--member", "bob", "--key", str(key), "--yes")
    assert result.exit_code == 0, result.output
    assert "update 1 of 2" in result.stdout and "update 2 of 2" in result.stdout
    assert "  technical_embargo_until: 2024-08-14T00:00:00Z\n" in result.stdout
    assert "--- technical (industry peers) ---\n  (none)\n" in result.stdout
    assert sig_path(site.root, 1, "security", "bob").is_file()
    assert sig_path(site.root, 2, "security", "bob").is_file()


def test_both_teams_approving_publishes(site):
    for member, team in (("carol", "comms"), ("dave", "security")):
        for u in ("1", "2"):
            result = approve(site.root, INC, u, "--team", team, "--member", member,
                             "--key", str(site.keys[member].path), "--yes")
            assert result.exit_code == 0, result.output
    approvals = all_approvals(site.load())
    assert all(approvals[(INC, u)].approved for u in (1, 2))


def test_asks_for_confirmation_and_no_writes_nothing(site, monkeypatch):
    monkeypatch.setattr("statuskit.cli.content._interactive", lambda: True)
    key = site.keys["alice"].path
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice", "--key", str(key), input="n\n")
    assert result.exit_code == 1, result.output
    assert "Approve update 1 for team 'comms' as 'alice'? [y/N]: n\n" in result.output
    assert "We are investigating an outage of appointment scheduling." in result.output  # shown before asking
    assert "not approved" in result.stderr
    assert sig_files(site.root) == []
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice", "--key", str(key), input="y\n")
    assert result.exit_code == 0, result.output
    assert sig_path(site.root, 1, "comms", "alice").is_file()


def test_refuses_content_that_does_not_validate(site):
    path = site.root / "incidents" / f"{INC}.yml"
    path.write_text(path.read_text().replace("    status: resolved\n", "    status: resolved\n    pubic: typo\n"))
    result = approve(site.root, INC, "2", "--team", "comms", "--member", "alice",
                     "--key", str(site.keys["alice"].path), "--yes")
    assert result.exit_code == 1
    assert f"{display_path(path)}:" in result.stderr and "updates[1].pubic" in result.stderr
    assert "Traceback" not in result.output
    assert sig_files(site.root) == []


def test_refuses_a_key_that_is_not_the_members(site):
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice",
                     "--key", str(site.keys["mallory"].path), "--yes")
    assert result.exit_code == 1
    fp = {m: fingerprint(site.keys[m].public) for m in ("alice", "mallory")}
    assert result.stderr == (f"error: the key {fp['mallory']} (--key {site.keys['mallory'].path}) is not one of "
                             "alice's keys in teams.yml:\n"
                             "  alice's keys in teams.yml:\n"
                             f"    alice (comms): {fp['alice']}\n"
                             "give --key with one of alice's keys, or the right --member\n")
    assert sig_files(site.root) == []
    # another member's key is refused as well
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice",
                     "--key", str(site.keys["carol"].path), "--yes")
    assert result.exit_code == 1 and "not one of alice's keys" in result.stderr
    assert sig_files(site.root) == []


@pytest.mark.parametrize("args, message", [
    (["--team", "security", "--member", "alice"], "error: 'alice' is not a member of team 'security'\n"),
    (["--team", "legal", "--member", "alice"],
     "error: team 'legal' is not one of the required teams (comms, security)\n"),
    (["--team", "comms", "--member", "mallory"], "error: 'mallory' is not a member in teams.yml\n"),
])
def test_refuses_the_wrong_team_or_member(site, args, message):
    result = approve(site.root, INC, "1", *args, "--key", str(site.keys["alice"].path), "--yes")
    assert result.exit_code == 1
    assert result.stderr == message
    assert sig_files(site.root) == []


@pytest.mark.parametrize("args, message", [
    ([INC, "3"], f"error: incident '{INC}' has updates 1..2, not 3\n"),
    (["no-such-incident", "1"], "error: no incident 'no-such-incident' in the content\n"),
])
def test_refuses_an_unknown_update(site, args, message):
    result = approve(site.root, *args, "--team", "comms", "--member", "alice", "--yes")
    assert result.exit_code == 1
    assert result.stderr == message


def test_missing_key_file_is_an_error(site, tmp_path):
    missing = tmp_path / "no-such-key"
    result = approve(site.root, INC, "1", "--team", "comms", "--member", "alice", "--key", str(missing), "--yes")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: ssh-keygen could not sign with {missing}: ")
    assert sig_files(site.root) == []


def _leaves(value):
    """Every line of every string in an update's canonical form."""
    if isinstance(value, str):
        yield from (line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)


def test_the_approver_sees_everything_that_is_signed(demo_copy):
    """Every string and time of every demo update (window, detection time, report, ...) is on screen."""
    from statuskit.workflow.approve import describe
    from statuskit.model.content import load_content

    content = load_content(demo_copy)
    for inc in content.incidents:
        for u in inc.updates:
            text = describe(demo_copy, inc.id, u.id).text
            missing = [leaf for leaf in _leaves(dict(u.canonical)) if leaf not in text]
            assert missing == [], (inc.id, u.id)


def test_the_approver_sees_the_security_incident_flag(demo_copy):
    from statuskit.workflow.approve import describe

    lines = describe(demo_copy, "2026-11-24-ransomware-scheduling", 1).text.splitlines()
    assert "  security_incident: true" in lines
    assert not any("security_incident" in line for line in describe(
        demo_copy, "2026-11-24-ransomware-scheduling", 2).text.splitlines())  # set once, it folds forward


def test_control_and_invisible_characters_are_refused_in_text(site):
    """A terminal escape could hide text from the approver (conceal, erase line) and a bidi
    override could reorder it: in text fields they are a validation error, so nothing is signed."""
    path = site.root / "incidents" / f"{INC}.yml"
    old = "    public: |\n      Scheduling is working again.\n"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, (
        '    title: "Fixed\\u202e"\n'
        '    public: "Fine.\\e[8m Hidden words.\\e[0m\\e[2K"\n')))
    result = approve(site.root, INC, "2", "--team", "comms", "--member", "alice",
                     "--key", str(site.keys["alice"].path), "--yes")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert re.search(r"updates\[1\]\.public: public text contains the invisible character U\+001B \(a control "
                     r"character\) on its line 1", result.output)
    assert re.search(r"updates\[1\]\.title: title contains the invisible character U\+202E \(a "
                     r"bidirectional-text control\)", result.output)
    assert not (site.root / "approvals" / INC / "2" / "comms--alice.sig").exists()


def test_control_characters_in_an_indicator_are_shown_not_obeyed(site):
    """An indicator may really be a file name with a right-to-left override (ATT&CK T1036.002):
    it validates, and the approver sees it as <U+202E>, with a warning."""
    path = site.root / "incidents" / f"{INC}.yml"
    old = "    public: |\n      Scheduling is working again.\n"
    path.write_text(path.read_text().replace(old, old + (
        '    report:\n      indicators: [{type: filename, value: "invoice\\u202Efdp.exe"}]\n')))
    result = approve(site.root, INC, "2", "--team", "comms", "--member", "alice",
                     "--key", str(site.keys["alice"].path), "--yes")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output
    assert "indicator filename: invoice<U+202E>fdp.exe" in result.stdout
    assert "warning: the update contains 1 invisible or control character(s)" in result.stdout


def test_the_approver_sees_this_updates_lints_and_only_those(site):
    """Update 2 promises what nobody can back: its approver sees that finding, update 1's
    approver sees only update 1's own findings."""
    path = site.root / "incidents" / f"{INC}.yml"
    old = "    public: |\n      Scheduling is working again.\n"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(
        old, "    public: |\n      Scheduling is working again. We guarantee this will never happen again.\n"))
    two = approve(site.root, INC, "2", "--team", "comms", "--member", "alice",
                  "--key", str(site.keys["alice"].path), "--yes")
    assert two.exit_code == 0, two.output
    lints = two.stdout.split("\n--- lints ---\n", 1)[1].split("\ndigest:")[0]
    assert "[public-over-promise]" in lints and f"{INC}.yml:" in lints
    one = approve(site.root, INC, "1", "--team", "comms", "--member", "alice",
                  "--key", str(site.keys["alice"].path), "--yes")
    assert one.exit_code == 0, one.output
    assert "[cadence-next-update]" in one.stdout and "[public-over-promise]" not in one.stdout


def test_commands_about_one_incident_read_only_that_incident(site, monkeypatch):
    """approve, statement, status INCIDENT and teams allowed-signers neither read nor wait on other incidents:
    an approver is not blocked by someone else's broken draft, and a large site answers at once."""
    from statuskit.model import content as content_mod

    site.incident("2024-08-01-draft", "id: 2024-08-01-draft\nkind: incident\nupdates: [")  # a YAML syntax error
    read: list[str] = []
    real = content_mod.load_incident
    monkeypatch.setattr(content_mod, "load_incident", lambda shared, name, raw=None: read.append(name) or real(shared, name, raw))
    runner = CliRunner()
    key = site.keys["bob"].path
    result = approve(site.root, INC, "2", "--team", "security", "--member", "bob", "--key", str(key), "--yes")
    assert result.exit_code == 0, result.output
    assert sig_path(site.root, 2, "security", "bob").is_file()
    result = runner.invoke(cli, ["statement", INC, "2", "--team", "security", "--member", "bob", "--content", str(site.root)])
    assert result.exit_code == 0 and result.output.startswith("statuskit-approval v1\n"), result.output
    result = runner.invoke(cli, ["status", INC, "--content", str(site.root), "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "update 2" in result.output and "security:bob" in result.output
    assert set(read) == {f"{INC}.yml"}
    read.clear()
    result = runner.invoke(cli, ["teams", "allowed-signers", "--content", str(site.root)])
    assert result.exit_code == 0 and f'bob namespaces="{NAMESPACE}" ssh-ed25519 ' in result.output, result.output
    assert read == []
    # the whole site still reports the broken draft
    result = runner.invoke(cli, ["status", "--content", str(site.root), "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code != 0 and "2024-08-01-draft.yml" in result.output
