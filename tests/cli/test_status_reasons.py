"""``statuskit status`` says in plain words why an approval does not count (issue 14, item 2), from
the rule the gate found it fails (gate/approvals.py ``Why``), with keys as ``SHA256:`` fingerprints."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from conftest import NAMESPACE, teams_yml
from statuskit.cli.main import cli
from statuskit.model.content import display_path, load_content

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

INC = "2024-07-31-outage"
AT = "2024-08-01T00:00:00Z"


def fp(key) -> str:
    """The fingerprint as the real ``ssh-keygen -lf`` prints it."""
    out = subprocess.run(["ssh-keygen", "-lf", "-"], input=key.public + "\n", capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def not_counted(site, update: int = 1) -> list[str]:
    """The `not counted` lines of ``update`` in the text output (and the JSON agrees)."""
    result = CliRunner().invoke(cli, ["status", INC, "--content", str(site.root), "--at", AT])
    assert result.exit_code == 0, result.output
    block = re.split(r"\n  [✓·] update \d+ ", result.stdout.split(f" update {update}  ", 1)[1])[0]
    lines = [line[6:] for line in block.splitlines() if line.startswith("      not counted: ")]
    data = json.loads(CliRunner().invoke(cli, ["status", INC, "--content", str(site.root), "--at", AT,
                                               "--format", "json"]).stdout)
    rejected = data["incidents"][0]["updates"][update - 1]["rejected"]
    assert [f"not counted: {r['file']}: {r['text']}" for r in rejected] == lines
    return lines


def file(site, team: str, member: str, update: int = 1) -> str:
    return display_path(site.root / "approvals" / INC / str(update) / f"{team}--{member}.sig")


@pytest.fixture
def site(make_site):
    s = make_site({INC: None})
    s.approve(INC, 1, "security", "bob")
    return s


def test_an_older_version_of_the_text(site):
    site.approve(INC, 1, "comms", "alice")
    path = site.root / "incidents" / f"{INC}.yml"
    path.write_text(path.read_text().replace("We are investigating", "We are still investigating"))
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'alice')}: alice signed an older version of this text (or another "
        f"update): re-approve with statuskit approve {INC} 1 --team comms --member alice",
        f"not counted: {file(site, 'security', 'bob')}: bob signed an older version of this text (or another "
        f"update): re-approve with statuskit approve {INC} 1 --team security --member bob",
    ]


def test_a_member_in_two_teams_counts_for_one(make_site, keys):
    teams = teams_yml(keys).replace("  security: [bob, dave]\n", "  security: [bob, dave, alice]\n")
    s = make_site({INC: None}, teams=teams)
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "security", "alice")
    assert not_counted(s) == [
        f"not counted: {file(s, 'security', 'alice')}: alice is in two teams (comms, security) and already counts "
        "for comms: one person counts for one team only; security needs the approval of another of its members"]


def test_a_revoked_key(site, keys):
    site.approve(INC, 1, "comms", "carol")
    site.write("teams.yml", teams_yml(keys, revoked=[keys["carol"].public]))
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'carol')}: signed with key {fp(keys['carol'])}, which teams.yml revokes "
        "(revoked_keys): carol approves again with another key"]


def test_another_members_key(site, keys):
    site.approve(INC, 1, "comms", "alice", signer="carol")
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'alice')}: signed with key {fp(keys['carol'])}, which is not one of "
        "alice's keys in teams.yml (it is carol's key: the file is named for alice but carol signed it)"]


def test_a_key_removed_in_a_later_teams_step(site, keys):
    """alice's second key was listed in teams step 1 and removed by step 2: her approval with it is void."""
    r0 = load_content(site.root, only=set()).teams
    two_keys = f'["{keys["alice"].public}", "{keys["mallory"].public}"]'
    site.write("teams.yml", teams_yml(keys).replace(f'["{keys["alice"].public}"]', two_keys, 1))
    site.sign_teams("comms", "carol", r0, 1)
    r1 = load_content(site.root, only=set()).teams
    assert len(r1.members["alice"].keys) == 2
    site.approve(INC, 1, "comms", "alice", signer="mallory")
    site.write("teams.yml", teams_yml(keys))
    site.sign_teams("comms", "carol", r1, 2)
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'alice')}: signed with key {fp(keys['mallory'])}, which is not one of "
        "alice's keys in teams.yml (teams step 2 removed it from alice's keys)"]


def test_a_key_not_in_teams_yml(site, keys):
    site.approve(INC, 1, "comms", "alice", signer="mallory")
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'alice')}: signed with key {fp(keys['mallory'])}, which is not one of "
        "alice's keys in teams.yml"]


def test_wrong_namespace(site):
    site.approve(INC, 1, "comms", "alice", namespace="git")
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'alice')}: wrong namespace: signed in namespace 'git', expected "
        f"'{NAMESPACE}' (teams.yml); it was made for another site or purpose: re-approve with "
        f"statuskit approve {INC} 1 --team comms --member alice"]


def test_not_a_member_of_that_team(site):
    site.approve(INC, 1, "security", "alice")
    assert not_counted(site) == [
        f"not counted: {file(site, 'security', 'alice')}: alice is not a member of team security in teams.yml "
        "(alice is in comms)"]


def test_not_a_member_at_all(site):
    site.approve(INC, 1, "comms", "mallory")
    assert not_counted(site) == [
        f"not counted: {file(site, 'comms', 'mallory')}: mallory is not a member in teams.yml (removed, or never "
        "added): only current members' approvals count"]


def test_a_bad_signature(site):
    path = site.root / "approvals" / INC / "1" / "comms--alice.sig"
    path.write_text("-----BEGIN SSH SIGNATURE-----\nnot base64!\n-----END SSH SIGNATURE-----\n")
    (line,) = not_counted(site)
    assert line.startswith(f"not counted: {file(site, 'comms', 'alice')}: bad signature: ")
