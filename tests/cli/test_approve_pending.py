"""``statuskit approve INCIDENT`` signs every update still lacking the team's approval, knowingly
(issue 14, item 2); the member is found from the key (--key or a real ssh-agent), the team from the
member; keys are shown as ``ssh-keygen -lf`` fingerprints.

Signing runs the real ``ssh-keygen -Y sign``; the agent is a real ``ssh-agent`` with ``ssh-add``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MEMBERS, teams_yml
from statuskit.cli.main import cli
from statuskit.gate.approvals import all_approvals
from statuskit.gate.release import gate
from statuskit.model.content import display_path
from statuskit.workflow.approve import describe, fingerprint

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
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    public: |
      We found the cause: a failed database node.
      A replacement is being prepared.
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: resolved
    components:
      scheduling: operational
    public: |
      Scheduling is working again.
"""


@pytest.fixture(autouse=True)
def _no_agent_no_home_keys(tmp_path, monkeypatch):
    """No ssh-agent and no ~/.ssh of the machine's user unless a test starts its own."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def site(make_site):
    """Update 1 approved by both teams; updates 2 and 3 by nobody."""
    s = make_site({INC: TEXT})
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "security", "bob")
    return s


@pytest.fixture
def agent(tmp_path_factory, monkeypatch):
    """A real ssh-agent on a socket of this test's own; ``agent(key_path, ...)`` ssh-adds keys."""
    sock = tmp_path_factory.mktemp("agent") / "s"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        if sock.exists():
            break
        time.sleep(0.01)
    monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))

    def add(*paths: Path) -> None:
        for p in paths:
            subprocess.run(["ssh-add", "-q", str(p)], check=True, env={**os.environ, "SSH_AUTH_SOCK": str(sock)},
                           capture_output=True)

    yield add
    proc.terminate()
    proc.wait(timeout=10)


def approve(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["approve", *args, "--content", str(root)], input=input)


def sig(root: Path, update: int, team: str, member: str) -> Path:
    return root / "approvals" / INC / str(update) / f"{team}--{member}.sig"


def ssh_keygen_fingerprint(pub: str) -> str:
    """The fingerprint as the real ``ssh-keygen -lf`` prints it (``256 SHA256:... comment (ED25519)``)."""
    out = subprocess.run(["ssh-keygen", "-lf", "-"], input=pub + "\n", capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def shown(site, *updates: int) -> str:
    return "".join(describe(site.root, INC, n).text + "\n\n" for n in updates)


def test_fingerprints_are_those_of_ssh_keygen(keys):
    for member in (*MEMBERS, "mallory"):  # ed25519, ecdsa, rsa
        fp = ssh_keygen_fingerprint(keys[member].public)
        assert fp.startswith("SHA256:") and not fp.endswith("=")
        assert fingerprint(keys[member].public) == fp


def test_approve_incident_signs_every_pending_update_in_order(site):
    """The issue: approve INCIDENT signed only update 3 and left 2 unsigned, so nothing published.
    Now it lists 2 and 3, asks once (--yes here) and signs both; member from the key, team from the member."""
    key = site.keys["alice"]
    result = approve(site.root, INC, "--key", str(key.path), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        shown(site, 2, 3)
        + f"signing for team 'comms' as 'alice' with key {ssh_keygen_fingerprint(key.public)} (--key {key.path})\n"
        f"2 updates of {INC} lack an approval of team 'comms':\n"
        "  update 2 (identified): We found the cause: a failed database node.\n"
        "  update 3 (resolved): Scheduling is working again.\n"
        f"wrote {display_path(sig(site.root, 2, 'comms', 'alice'))}\n"
        f"wrote {display_path(sig(site.root, 3, 'comms', 'alice'))}\n"
        "commit them to the pull request\n")
    approvals = all_approvals(site.load())
    assert [approvals[(INC, n)].valid for n in (2, 3)] == [(("comms", "alice"),)] * 2
    # the other team does the same from its own key: everything is approved
    result = approve(site.root, INC, "--key", str(site.keys["dave"].path), "--yes")
    assert result.exit_code == 0, result.output
    assert "signing for team 'security' as 'dave'" in result.stdout
    assert all(ap.approved for ap in all_approvals(site.load()).values())
    # nothing is left to do
    result = approve(site.root, INC, "--key", str(key.path), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"nothing to approve: every update of {INC} has an approval of team 'comms' that counts\n"


def test_one_question_for_all_and_no_signs_nothing(site, monkeypatch):
    monkeypatch.setattr("statuskit.cli.content._interactive", lambda: True)
    args = (INC, "--member", "alice", "--key", str(site.keys["alice"].path))
    result = approve(site.root, *args, input="n\n")
    assert result.exit_code == 1, result.output
    assert result.output.count("[y/N]") == 1
    assert "Approve these 2 updates (2, 3) for team 'comms' as 'alice'? [y/N]: n\n" in result.output
    assert result.stderr == "not approved\n"
    assert not sig(site.root, 2, "comms", "alice").exists() and not sig(site.root, 3, "comms", "alice").exists()
    result = approve(site.root, *args, input="y\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("[y/N]") == 1
    assert sig(site.root, 2, "comms", "alice").is_file() and sig(site.root, 3, "comms", "alice").is_file()


def test_without_a_terminal_and_without_yes_it_refuses_with_the_exact_command(site):
    key = site.keys["alice"].path
    result = approve(site.root, INC, "--key", str(key))
    assert result.exit_code == 1
    command = f"statuskit approve {INC} --team comms --member alice --key {key} --content {site.root} --yes"
    assert result.stderr == ("error: no terminal to ask for confirmation, so nothing was signed; to sign without "
                             f"being asked, run: {command}\n")
    assert not (site.root / "approvals" / INC / "2").exists()
    # the command it names works as it is
    run = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert run.exit_code == 0, run.output
    assert sig(site.root, 2, "comms", "alice").is_file() and sig(site.root, 3, "comms", "alice").is_file()


def test_changed_since_you_signed(site):
    site.approve(INC, 2, "comms", "alice")
    path = site.root / "incidents" / f"{INC}.yml"
    path.write_text(path.read_text().replace("a failed database node", "a failed storage node"))
    result = approve(site.root, INC, "--key", str(site.keys["alice"].path), "--yes")
    assert result.exit_code == 0, result.output
    assert ("  update 2 (identified): We found the cause: a failed storage node.  [changed since you signed]\n"
            "  update 3 (resolved): Scheduling is working again.\n") in result.stdout
    assert all_approvals(site.load())[(INC, 2)].valid == (("comms", "alice"),)


def test_one_update_is_signed_alone_with_a_warning_naming_the_command(site):
    key = site.keys["bob"].path
    result = approve(site.root, INC, "3", "--key", str(key), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: update 3 cannot publish before update 2, which still lacks an approval of team 'security'; "
        f"to approve them all, run: statuskit approve {INC} --team security --member bob --key {key} "
        f"--content {site.root}\n")
    assert result.stdout.startswith(shown(site, 3) + "signing for team 'security' as 'bob' with key ")
    assert result.stdout.endswith(f"wrote {display_path(sig(site.root, 3, 'security', 'bob'))}; "
                                  "commit it to the pull request\n")
    assert not sig(site.root, 2, "security", "bob").exists()
    # update 2 approved: no warning
    result = approve(site.root, INC, "2", "--key", str(key), "--yes")
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_a_member_in_two_teams_says_which(make_site, keys):
    teams = teams_yml(keys).replace("  security: [bob, dave]\n", "  security: [bob, dave, alice]\n")
    assert "alice]" in teams
    s = make_site({INC: TEXT}, teams=teams)
    key = str(keys["alice"].path)
    result = approve(s.root, INC, "--key", key, "--yes")
    assert result.exit_code == 1
    assert result.stderr == ("error: alice is in two teams (comms, security): say which you approve for with "
                             "--team comms or --team security (one person counts for one team only)\n")
    result = approve(s.root, INC, "--key", key, "--team", "comms", "--yes")
    assert result.exit_code == 0, result.output
    # for the other team too: she is told that her second approval cannot count as well
    result = approve(s.root, INC, "--key", key, "--team", "security", "--yes")
    assert result.exit_code == 0, result.output
    assert ("  update 3 (resolved): Scheduling is working again.  [you approved it for comms: one person counts for "
            "one team only]\n") in result.stdout
    assert sig(s.root, 1, "security", "alice").is_file()


def test_a_key_nobody_has_is_refused_with_the_fingerprints(site, keys):
    result = approve(site.root, INC, "--key", str(keys["mallory"].path), "--yes")
    assert result.exit_code == 1
    fp = {m: ssh_keygen_fingerprint(keys[m].public) for m in (*MEMBERS, "mallory")}
    assert result.stderr == (
        f"error: no key of --key {keys['mallory'].path} is a member's key in teams.yml:\n"
        "  keys offered:\n"
        f"    {fp['mallory']} mallory@test\n"
        "  keys in teams.yml:\n"
        f"    alice (comms): {fp['alice']}\n"
        f"    carol (comms): {fp['carol']}\n"
        f"    bob (security): {fp['bob']}\n"
        f"    dave (security): {fp['dave']}\n"
        "give --member and --key with one of their keys\n")
    assert not (site.root / "approvals" / INC / "2").exists()


def test_no_key_no_agent_no_member(site):
    result = approve(site.root, INC, "--yes")
    assert result.exit_code == 1
    assert result.stderr == ("error: cannot tell who you are: there is no ssh-agent ($SSH_AUTH_SOCK) and no "
                             "~/.ssh/id_ed25519.pub; give --member, or --key FILE (a private key or its .pub), or "
                             "add your key to the ssh-agent (ssh-add)\n")


def test_the_public_half_is_enough_with_the_agent(site, keys, agent):
    """--key bob.pub: the member is found from the .pub, ssh-keygen signs with the agent's private half."""
    agent(keys["bob"].path)
    pub = keys["bob"].path.with_name("bob.pub")
    result = approve(site.root, INC, "--key", str(pub), "--yes")
    assert result.exit_code == 0, result.output
    assert "signing for team 'security' as 'bob'" in result.stdout
    assert [all_approvals(site.load())[(INC, n)].valid for n in (2, 3)] == [(("security", "bob"),)] * 2


def test_the_member_is_found_from_the_agent(site, keys, agent):
    agent(keys["mallory"].path, keys["bob"].path)  # a key nobody has, and bob's
    result = approve(site.root, INC, "--yes")
    assert result.exit_code == 0, result.output
    assert (f"signing for team 'security' as 'bob' with key {ssh_keygen_fingerprint(keys['bob'].public)} "
            "(the ssh-agent)\n") in result.stdout
    assert [all_approvals(site.load())[(INC, n)].valid for n in (2, 3)] == [(("security", "bob"),)] * 2


def test_an_agent_with_keys_of_two_members(site, keys, agent):
    agent(keys["alice"].path, keys["bob"].path)
    fp = {m: ssh_keygen_fingerprint(keys[m].public) for m in ("alice", "bob")}
    result = approve(site.root, INC, "--yes")
    assert result.exit_code == 1
    assert result.stderr == (f"error: the keys of the ssh-agent belong to several members: alice ({fp['alice']}), "
                             f"bob ({fp['bob']}); say which with --member\n")
    # --member picks that member's key of the agent's
    result = approve(site.root, INC, "--member", "alice", "--yes")
    assert result.exit_code == 0, result.output
    assert f"signing for team 'comms' as 'alice' with key {fp['alice']} (the ssh-agent)\n" in result.stdout
    assert all_approvals(site.load())[(INC, 3)].valid == (("comms", "alice"),)


def test_an_agent_without_the_members_key(site, keys, agent):
    agent(keys["mallory"].path)
    result = approve(site.root, INC, "--member", "alice", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the ssh-agent holds none of alice's keys in teams.yml:\n"
        "  keys offered:\n"
        f"    {ssh_keygen_fingerprint(keys['mallory'].public)} mallory@test\n"
        "  alice's keys in teams.yml:\n"
        f"    alice (comms): {ssh_keygen_fingerprint(keys['alice'].public)}\n"
        "add your key to the agent (ssh-add), or give --key FILE\n")


def test_an_empty_agent(site, agent):
    result = approve(site.root, INC, "--yes")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot tell who you are: the ssh-agent holds no keys; give --member")


def test_an_update_its_retraction_withdraws_is_not_signed(make_site):
    """Update 2 was retracted by update 3: approving the incident signs 3 (which withdraws 2), not the
    words being withdrawn; and a build publishes 3 with 2 as a withdrawn marker."""
    text = TEXT.replace("    status: resolved\n", "    status: resolved\n    retracts: 2\n")
    s = make_site({INC: text})
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "security", "bob")
    result = approve(s.root, INC, "--key", str(s.keys["alice"].path), "--yes")
    assert result.exit_code == 0, result.output
    assert (f"1 update of {INC} lacks an approval of team 'comms':\n"
            "  update 3 (resolved): Scheduling is working again.\n"
            "  (update 2 needs no approval: update 3 retracts it)\n"
            f"wrote {display_path(sig(s.root, 3, 'comms', 'alice'))}; commit it to the pull request\n") in result.stdout
    assert not sig(s.root, 2, "comms", "alice").exists()
    result = approve(s.root, INC, "--key", str(s.keys["bob"].path), "--yes")
    assert result.exit_code == 0, result.output
    release, _ = gate(s.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))
    assert [(u.id, u.retracted) for u in release.incident(INC).updates] == [(1, False), (2, True), (3, False)]
