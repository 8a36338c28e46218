"""Tests for statuskit.gate.approvals: every attack in approvals.md fails closed.

Each attack is made with real keys (the ``keys`` fixture: ed25519, ECDSA and RSA
made by ssh-keygen) and checked three ways: the update is not approved, a build
does not publish it, and ``statuskit check`` says why, naming the file.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import INCIDENT_YML, NAMESPACE, teams_yml
from statuskit.workflow.checks import run_check
from statuskit.cli.main import cli
from statuskit.errors import Severity, SignatureError
from statuskit.gate.approvals import Registry, all_approvals, assign_teams
from statuskit.gate.digest import digest, statement
from statuskit.gate.release import gate
from statuskit.ssh.sshsig import sign
from statuskit.model.content import display_path
from statuskit.model.records import ApprovalFile, Member, Teams

T = datetime(2024, 8, 1, tzinfo=timezone.utc)
INC = "2024-07-31-scheduling-outage"


# --- helpers ---------------------------------------------------------------------

def edit(site, iid: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) in an incident file."""
    path = site.root / "incidents" / f"{iid}.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def published_ids(content, iid: str = INC, at: datetime = T) -> list[int]:
    release, _ = gate(content, at)
    try:
        return [u.id for u in release.incident(iid).updates]
    except KeyError:
        return []


def check_cli(root: Path, *args: str):
    return CliRunner().invoke(cli, ["check", "--content", str(root), "--at", "2024-08-01T00:00:00Z", *args])


def problems_for(root: Path, file: Path, rule: str) -> list:
    result = run_check(root)
    return [p for p in result.problems if p.file == display_path(file) and p.rule == rule]


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def ssh_keygen_sign(key_path: Path, namespace: str, message: bytes, tmp: Path) -> bytes:
    """A real ``ssh-keygen -Y sign`` signature over ``message``."""
    msg = tmp / "message"
    msg.write_bytes(message)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key_path), str(msg)],
                   check=True, capture_output=True)
    out = (tmp / "message.sig").read_bytes()
    (tmp / "message.sig").unlink()
    return out


@pytest.fixture
def site(make_site):
    """One two-update incident, both updates approved by alice (comms) and bob (security)."""
    s = make_site({INC: None})
    s.approve_all()
    return s


# --- the baseline: what the attacks are measured against --------------------------

def test_approved_by_both_teams_publishes(site):
    content = site.load()
    ap = all_approvals(content)[(INC, 1)]
    assert ap.approved
    assert ap.valid == (("comms", "alice"), ("security", "bob"))
    assert ap.approved_by == ("comms", "security")
    assert ap.missing == () and ap.rejected == ()
    assert published_ids(content) == [1, 2]
    result = check_cli(site.root)
    assert result.exit_code == 0, result.output
    assert "approval-" not in result.output


def test_every_member_and_key_type_counts(make_site):
    """carol (ECDSA) for comms and dave (RSA) for security also approve."""
    s = make_site({INC: None})
    for u in (1, 2):
        s.approve(INC, u, "comms", "carol")
        s.approve(INC, u, "security", "dave")
    assert published_ids(s.load()) == [1, 2]


def test_one_team_alone_does_not_approve(make_site):
    s = make_site({INC: None})
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "comms", "carol")
    ap = all_approvals(s.load())[(INC, 1)]
    assert not ap.approved
    assert ap.missing == ("security",) and ap.approved_by == ()
    assert published_ids(s.load()) == []
    missing = [p for p in run_check(s.root).problems if p.rule == "approval-missing"]
    assert [p.message for p in missing] == ["update 1 is not approved yet: missing security",
                                            "update 2 is not approved yet: missing comms, security"]
    assert all(p.severity is Severity.WARNING for p in missing)


@pytest.mark.parametrize("change", [
    pytest.param(("# a comment\n", "id:"), id="comment"),
    pytest.param(("    public: |\n      We are investigating an outage of appointment scheduling.\n",
                  '    public: "We are investigating an outage of appointment scheduling.\\n"\n'), id="quoting"),
    pytest.param(("    at: 2024-07-31T09:05:00Z\n    status: investigating\n",
                  "    status: investigating\n    at: 2024-07-31T11:05:00+02:00\n"), id="key-order-and-offset"),
])
def test_formatting_does_not_void_approval(site, change):
    """Comments, key order, quoting and the time's offset do not change the digest."""
    old, new = change
    before = digest(site.load().incident(INC).update(1))
    path = site.root / "incidents" / f"{INC}.yml"
    text = path.read_text()
    if old.startswith("#"):
        text = old + text
    else:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text)
    assert digest(site.load().incident(INC).update(1)) == before
    assert published_ids(site.load()) == [1, 2]


def test_crlf_and_unicode_normalisation_do_not_void_approval(make_site):
    nfc = INCIDENT_YML.format(id=INC).replace("Scheduling is working again.", "Scheduling is working again: caf\u00e9.")
    s = make_site({INC: nfc})
    s.approve_all()
    nfd = nfc.replace("caf\u00e9", "cafe\u0301").replace("\n", "\r\n")
    s.incident(INC, nfd)
    assert published_ids(s.load()) == [1, 2]


# --- attack: edited after approval ------------------------------------------------

EDITS = {
    "text": ("Scheduling is working again.", "Scheduling is working again, mostly."),
    "status": ("status: resolved", "status: monitoring"),
    "components": ("status: resolved\n", "status: resolved\n    components:\n      scheduling: operational\n"),
    "time": ("at: 2024-07-31T10:00:00Z", "at: 2024-07-31T10:30:00Z"),
    "embargo": ("status: resolved\n", "status: resolved\n    embargo_until: 2024-07-31T10:00:00Z\n"),
    "technical-embargo": ("status: resolved\n",
                          "status: resolved\n    technical_embargo_until: 2024-07-31T10:00:00Z\n"),
}


@pytest.mark.parametrize("what", list(EDITS))
def test_edit_after_approval_voids_it(site, what):
    """Any published change to update 2 voids both approvals: it is held, update 1 still shows.

    The components edit is a no-op for the site (resolving already returns scheduling to
    operational) and the embargoes are in the past: only the approval holds them back.
    """
    old, new = EDITS[what]
    d_before = digest(site.load().incident(INC).update(2))
    edit(site, INC, old, new)
    content = site.load()
    ap = all_approvals(content)[(INC, 2)]
    assert ap.digest != d_before
    assert not ap.approved and ap.valid == ()
    assert ap.missing == ("comms", "security")
    assert {r.member for r in ap.rejected} == {"alice", "bob"}
    assert published_ids(content) == [1]
    release, report = gate(content, T)
    assert [(h.update, h.reason) for h in report.held] == [(2, "unapproved")]

    for member, team in (("alice", "comms"), ("bob", "security")):
        sig = site.root / "approvals" / INC / "2" / f"{team}--{member}.sig"
        (p,) = problems_for(site.root, sig, "approval-stale")
        assert p.severity is Severity.WARNING
        assert f"approval by {member} ({team}) does not match update 2 as it is now" in p.message
    result = check_cli(site.root)
    assert result.exit_code == 0, result.output  # stale approvals are warnings: the update just waits
    stale_lines = [line for line in result.output.splitlines() if "[approval-stale]" in line]
    assert len(stale_lines) == 2
    assert stale_lines[0].startswith(display_path(site.root / "approvals" / INC / "2" / "comms--alice.sig") + ": warning: ")


def test_edit_of_update_1_hides_the_whole_incident(site):
    edit(site, INC, "We are investigating an outage", "We are investigating a short outage")
    content = site.load()
    assert published_ids(content) == []
    release, report = gate(content, T)
    assert release.incidents == ()
    assert [(h.update, h.reason) for h in report.held] == [(1, "unapproved"), (2, "after-held")]


def test_edit_of_report_and_facts_voids_approval(make_site):
    text = INCIDENT_YML.format(id=INC) + """\
    technical: |
      Root cause was a failed disk.
    data_exposure: none
"""
    s = make_site({INC: text})
    s.approve_all()
    edit(s, INC, "data_exposure: none", "data_exposure: under_investigation")
    assert published_ids(s.load()) == [1]
    s.approve_all()
    edit(s, INC, "a failed disk", "a failed controller")
    assert published_ids(s.load()) == [1]


# --- attack: an approval file copied elsewhere --------------------------------------

def test_copied_to_another_update(make_site):
    """Update 2 is made identical to update 1 except for its id: the copy still fails."""
    text = INCIDENT_YML.format(id=INC)
    s = make_site({INC: text})
    s.approve_all(upto=1)
    dst = s.root / "approvals" / INC / "2"
    shutil.copytree(s.root / "approvals" / INC / "1", dst)
    content = s.load()
    ap = all_approvals(content)[(INC, 2)]
    assert not ap.approved and ap.valid == ()
    assert published_ids(content) == [1]
    assert problems_for(s.root, dst / "comms--alice.sig", "approval-stale")
    assert problems_for(s.root, dst / "security--bob.sig", "approval-stale")


def test_copied_to_another_incident_with_identical_content(make_site):
    """Same updates, same digests: only the incident id in the statement tells them apart."""
    other = "2024-07-31-scheduling-outage-copy"
    s = make_site({INC: None, other: None})
    s.approve_all(incident=INC)
    content = s.load()
    assert digest(content.incident(INC).update(1)) == digest(content.incident(other).update(1))
    shutil.copytree(s.root / "approvals" / INC, s.root / "approvals" / other)
    content = s.load()
    assert published_ids(content, INC) == [1, 2]
    assert published_ids(content, other) == []
    assert not any(ap.approved for (iid, _), ap in all_approvals(content).items() if iid == other)
    assert problems_for(s.root, s.root / "approvals" / other / "1" / "comms--alice.sig", "approval-stale")


def _teams_with(keys, **extra_members: list[str]) -> str:
    """teams.yml with extra members added to teams: e.g. security=["alice"]."""
    text = teams_yml(keys)
    for team, members in extra_members.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"  {team}: ["))
        text = text.replace(line, line[:-1] + ", " + ", ".join(members) + "]")
    return text


def test_copied_to_another_team_name(make_site, keys):
    """alice is in both teams; her comms approval renamed to security--alice.sig does not count."""
    s = make_site({INC: None}, teams=_teams_with(keys, security=["alice"]))
    s.approve(INC, 1, "comms", "alice")
    sec = s.root / "approvals" / INC / "1" / "security--alice.sig"
    shutil.copy(s.root / "approvals" / INC / "1" / "comms--alice.sig", sec)
    s.approve(INC, 1, "comms", "carol")  # so that alice would be free to count for security
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.valid == (("comms", "alice"), ("comms", "carol"))
    assert ap.missing == ("security",)
    assert published_ids(s.load()) == []
    assert problems_for(s.root, sec, "approval-stale")


def test_renamed_to_a_team_the_member_is_not_in(site):
    src = site.root / "approvals" / INC / "1" / "comms--alice.sig"
    dst = site.root / "approvals" / INC / "1" / "security--alice.sig"
    (site.root / "approvals" / INC / "1" / "security--bob.sig").unlink()
    src.rename(dst)
    ap = all_approvals(site.load())[(INC, 1)]
    assert not ap.approved and ap.valid == ()
    (p,) = problems_for(site.root, dst, "approval-invalid")
    assert p.message == "approval does not count: 'alice' is not a member of team 'security'"


def test_copied_to_another_member_name(site):
    """comms--alice.sig renamed to comms--carol.sig: alice's key is not carol's."""
    d = site.root / "approvals" / INC / "1"
    (d / "comms--alice.sig").rename(d / "comms--carol.sig")
    ap = all_approvals(site.load())[(INC, 1)]
    assert ap.valid == (("security", "bob"),) and ap.missing == ("comms",)
    assert published_ids(site.load()) == []
    (p,) = problems_for(site.root, d / "comms--carol.sig", "approval-invalid")
    assert p.message == "approval does not count: signed with a key that is not one of carol's keys in teams.yml"


def test_statement_binds_the_member_even_if_keys_were_shared(keys):
    """Defence in depth: teams.yml refuses shared keys, but the statement names the member too."""
    teams = Teams(NAMESPACE, ("comms", "security"),
                  {"alice": Member("alice", "A", (keys["alice"].public,)),
                   "carol": Member("carol", "C", (keys["alice"].public,))},
                  {"comms": ("alice", "carol"), "security": ()})
    d = "sha256:" + "0" * 64
    sig = sign(keys["alice"].private, NAMESPACE, statement(INC, 1, d, "comms", "alice")).encode()
    reg = Registry(teams)
    reg.check(INC, 1, d, ApprovalFile(INC, 1, "comms", "alice", "f", sig))
    with pytest.raises(SignatureError, match=r"^signature does not verify \(ssh-ed25519 key SHA256:"):
        reg.check(INC, 1, d, ApprovalFile(INC, 1, "comms", "carol", "f", sig))


def test_shared_keys_are_refused_by_teams_yml(make_site, keys):
    text = teams_yml(keys).replace(f'keys: ["{keys["carol"].public}"]', f'keys: ["{keys["alice"].public}"]')
    s = make_site({INC: None}, teams=text)
    result = check_cli(s.root)
    assert result.exit_code == 1
    assert "this key also belongs to member 'alice'; one key, one person" in result.output


# --- attack: one person for two teams; a member approving for the other team -------

def test_one_person_in_both_teams_counts_once(make_site, keys):
    s = make_site({INC: None}, teams=_teams_with(keys, security=["alice"]))
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "security", "alice")
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.valid == (("comms", "alice"), ("security", "alice"))  # each file verifies...
    assert not ap.approved and len(ap.missing) == 1                   # ...but one person is one vote
    assert ap.approved_by == ()
    assert published_ids(s.load()) == []
    (p,) = [p for p in run_check(s.root).problems if p.rule == "approval-missing" and p.line == 4]
    assert p.message.startswith("update 1 is not approved yet: missing ")
    # a second person makes it approved, whichever team alice is then counted for
    s.approve(INC, 1, "comms", "carol")
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.approved and ap.approved_by == ("comms", "security")


def test_member_of_one_team_approving_for_the_other(make_site):
    s = make_site({INC: None})
    s.approve(INC, 1, "comms", "carol")
    sec = s.approve(INC, 1, "security", "alice")  # alice is comms only
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.valid == (("comms", "carol"),) and ap.missing == ("security",)
    assert published_ids(s.load()) == []
    (p,) = problems_for(s.root, sec, "approval-invalid")
    assert p.message == "approval does not count: 'alice' is not a member of team 'security'"
    result = check_cli(s.root)
    assert result.exit_code == 1
    assert f"{display_path(sec)}: approval does not count: 'alice' is not a member of team 'security' [approval-invalid]" in result.output


def test_team_that_is_not_required_does_not_count(make_site, keys):
    s = make_site({INC: None}, teams=teams_yml(keys, required=("comms",)))
    s.approve(INC, 1, "comms", "alice")
    sec = s.approve(INC, 1, "security", "bob")
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.approved and ap.approved_by == ("comms",)
    (p,) = problems_for(s.root, sec, "approval-invalid")
    assert "team 'security' is not one of the required teams (comms)" in p.message


@pytest.mark.parametrize("required, valid, covered, missing", [
    (("a", "b"), [("a", "x"), ("a", "y"), ("b", "x")], ("a", "b"), ()),   # needs backtracking: a=x fails
    (("b", "a"), [("a", "x"), ("a", "y"), ("b", "x")], ("b", "a"), ()),
    (("a", "b"), [("a", "x"), ("b", "x")], None, 1),                          # one person, one team
    (("a", "b"), [], (), ("a", "b")),
    (("a", "b"), [("a", "x"), ("a", "x"), ("b", "y")], ("a", "b"), ()),
    (("a", "b", "c"), [("a", "x"), ("a", "y"), ("b", "x"), ("b", "z"), ("c", "x"), ("c", "y")], ("a", "b", "c"), ()),
    (("a", "b", "c"), [("a", "x"), ("b", "x"), ("c", "x"), ("c", "y")], None, 1),
    (("a", "b", "c"), [("a", "x"), ("a", "y"), ("b", "x"), ("c", "y"), ("c", "z")], ("a", "b", "c"), ()),
    (("a", "b", "c"), [("a", "x"), ("b", "y"), ("c", "x"), ("c", "y")], None, 1),     # two people, three teams
    (("a", "b"), [("c", "x"), ("b", "y")], ("b",), ("a",)),
])
def test_assign_teams(required, valid, covered, missing):
    got_covered, got_missing = assign_teams(required, valid)
    if covered is not None:
        assert (got_covered, got_missing) == (covered, missing)
    else:  # which team stays uncovered is not specified; how many is
        assert len(got_missing) == missing and len(got_covered) == len(required) - missing
        assert set(got_covered) | set(got_missing) == set(required)


def test_assign_teams_backtracks_through_the_update(make_site, keys):
    """Team comms {alice, carol}, team security {alice}: alice must count for security."""
    text = teams_yml(keys).replace("  security: [bob, dave]", "  security: [alice]")
    s = make_site({INC: None}, teams=text)
    s.approve(INC, 1, "comms", "alice")
    s.approve(INC, 1, "comms", "carol")
    s.approve(INC, 1, "security", "alice")
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.approved and ap.approved_by == ("comms", "security")


# --- attack: keys and namespaces -----------------------------------------------------

def test_key_not_in_teams_yml(make_site):
    s = make_site({INC: None})
    s.approve(INC, 1, "security", "bob")
    forged = s.approve(INC, 1, "comms", "alice", signer="mallory")
    stranger = s.approve(INC, 1, "comms", "mallory")
    ap = all_approvals(s.load())[(INC, 1)]
    assert ap.valid == (("security", "bob"),) and ap.missing == ("comms",)
    assert published_ids(s.load()) == []
    (p,) = problems_for(s.root, forged, "approval-invalid")
    assert p.message == "approval does not count: signed with a key that is not one of alice's keys in teams.yml"
    (p,) = problems_for(s.root, stranger, "approval-invalid")
    assert p.message == "approval does not count: 'mallory' is not a member in teams.yml"


def test_revoked_key_voids_old_approvals(site, keys):
    """bob signed while his key was trusted; revoking it voids that old approval too."""
    assert published_ids(site.load()) == [1, 2]
    site.write("teams.yml", teams_yml(keys, revoked=[keys["bob"].public]))
    content = site.load()
    assert not all_approvals(content)[(INC, 1)].approved
    assert published_ids(content) == []
    sig = site.root / "approvals" / INC / "1" / "security--bob.sig"
    (p,) = problems_for(site.root, sig, "approval-invalid")
    assert p.message == "approval does not count: signed with a revoked key (teams.yml revoked_keys)"
    # dave, still trusted, restores it
    site.approve(INC, 1, "security", "dave")
    site.approve(INC, 2, "security", "dave")
    assert published_ids(site.load()) == [1, 2]


def test_revoked_key_with_another_comment_is_still_revoked(site, keys):
    kind, b64 = keys["bob"].public.split()[:2]
    site.write("teams.yml", teams_yml(keys, revoked=[f"{kind} {b64} lost-laptop"]))
    assert published_ids(site.load()) == []


def test_member_removed_from_the_team_no_longer_counts(site, keys):
    """Rule 1 says "a current member": removing bob from security voids his approvals, old ones too."""
    site.write("teams.yml", teams_yml(keys).replace("  security: [bob, dave]", "  security: [dave]"))
    content = site.load()
    assert published_ids(content) == []
    sig = site.root / "approvals" / INC / "1" / "security--bob.sig"
    (p,) = problems_for(site.root, sig, "approval-invalid")
    assert p.message == "approval does not count: 'bob' is not a member of team 'security'"


def test_crlf_signature_file_counts(site):
    """A .sig checked out with CRLF line ends (git autocrlf) still counts."""
    for sig in (site.root / "approvals" / INC).rglob("*.sig"):
        sig.write_bytes(sig.read_bytes().replace(b"\n", b"\r\n"))
    assert published_ids(site.load()) == [1, 2]


def test_other_namespace(make_site):
    s = make_site({INC: None})
    s.approve(INC, 1, "security", "bob")
    sig = s.approve(INC, 1, "comms", "alice", namespace="file")
    assert published_ids(s.load()) == []
    (p,) = problems_for(s.root, sig, "approval-invalid")
    assert p.message == f"approval does not count: signed in namespace 'file', expected '{NAMESPACE}' (teams.yml)"


def test_git_commit_signature_of_the_statement(make_site, keys, tmp_path):
    """A real ``ssh-keygen -Y sign -n git`` (what git uses for commits) over the exact statement."""
    s = make_site({INC: None})
    s.approve(INC, 1, "security", "bob")
    u = s.load().incident(INC).update(1)
    data = ssh_keygen_sign(keys["alice"].path, "git", statement(INC, 1, digest(u), "comms", "alice"), tmp_path)
    sig = s.root / "approvals" / INC / "1" / "comms--alice.sig"
    sig.write_bytes(data)
    assert published_ids(s.load()) == []
    (p,) = problems_for(s.root, sig, "approval-invalid")
    assert p.message == f"approval does not count: signed in namespace 'git', expected '{NAMESPACE}' (teams.yml)"
    # the same, in the right namespace, counts
    sig.write_bytes(ssh_keygen_sign(keys["alice"].path, NAMESPACE, statement(INC, 1, digest(u), "comms", "alice"),
                                    tmp_path))
    assert published_ids(s.load()) == [1]


def test_real_git_commit_signature_file(make_site, keys, tmp_path):
    """A signature git itself made for a commit (gpg.format=ssh) is refused, not crashed on."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    env_cfg = ["-c", "user.name=Alice", "-c", "user.email=alice@example.org", "-c", "gpg.format=ssh",
               "-c", f"user.signingkey={keys['alice'].path}", "-c", "commit.gpgsign=true"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), *env_cfg, "commit", "-q", "--allow-empty", "-m", "x"], check=True,
                   capture_output=True)
    raw = subprocess.run(["git", "-C", str(repo), "cat-file", "commit", "HEAD"], check=True, capture_output=True,
                         text=True).stdout
    lines = raw.split("gpgsig ", 1)[1].splitlines()
    armored = []
    for line in lines:
        armored.append(line.strip())
        if "END SSH SIGNATURE" in line:
            break
    s = make_site({INC: None})
    s.approve(INC, 1, "security", "bob")
    sig = s.root / "approvals" / INC / "1" / "comms--alice.sig"
    sig.write_text("\n".join(armored) + "\n")
    assert published_ids(s.load()) == []
    (p,) = problems_for(s.root, sig, "approval-invalid")
    assert "signed in namespace 'git'" in p.message


# --- attack: broken .sig files -----------------------------------------------------

def _garble_magic(text: str) -> str:
    lines = text.splitlines()
    lines[1] = "AAAA" + lines[1][4:]  # "SSHSIG" magic -> zero bytes
    return "\n".join(lines) + "\n"


def _garble_key(text: str) -> str:
    lines = text.splitlines()
    lines[1] = lines[1][:20] + ("A" if lines[1][20] != "A" else "B") + lines[1][21:]  # inside the key-type string
    return "\n".join(lines) + "\n"


BROKEN = {
    "empty": (lambda t: "", "not an SSH signature: the file is empty"),
    "truncated": (lambda t: t[: len(t) // 2], "malformed SSH signature armor"),
    "truncated-base64": (lambda t: "\n".join(t.splitlines()[:2] + t.splitlines()[-1:]) + "\n",
                         "malformed SSH signature armor: invalid base64 (Incorrect padding)"),
    "truncated-blob": (lambda t: "\n".join(t.splitlines()[:3] + t.splitlines()[-1:]) + "\n", "truncated"),
    "garbled-base64": (lambda t: t.replace(t.splitlines()[2], "!!!!not base64!!!!"), "line 3 is not base64"),
    "garbled-magic": (_garble_magic, "not an SSHSIG blob: magic is"),
    "garbled-key": (_garble_key, "truncated public key blob: key type needs"),
    "pgp": (lambda t: "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n",
            "not an SSH signature: armor label is 'PGP SIGNATURE', expected 'SSH SIGNATURE'"),
    "public-key": (lambda t: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPqvTd7LHR6 x\n", "not an SSH signature"),
    "binary": (lambda t: "\x00\x01\x02\xff", "not an SSH signature"),
}


@pytest.mark.parametrize("how", list(BROKEN))
def test_broken_sig_file_is_a_clear_error(site, how):
    make, fragment = BROKEN[how]
    sig = site.root / "approvals" / INC / "1" / "comms--alice.sig"
    text = sig.read_text()
    data = make(text)
    sig.write_bytes(data.encode("latin-1"))
    content = site.load()
    assert not all_approvals(content)[(INC, 1)].approved
    assert published_ids(content) == []
    (p,) = problems_for(site.root, sig, "approval-invalid")
    assert p.severity is Severity.ERROR
    assert p.message.startswith("approval does not count: ")
    assert fragment in p.message
    result = check_cli(site.root)
    assert result.exit_code == 1, result.output
    assert_no_traceback(result)
    line = next(ln for ln in result.output.splitlines() if "[approval-invalid]" in ln)
    assert line.startswith(display_path(sig) + ": approval does not count: ")
    assert "failed: 1 incident(s), 2 update(s); 1 error(s)" in result.output


def test_flipped_signature_byte_never_counts(site):
    """A bit flip inside the signature value parses, but cannot verify; it reads as stale."""
    sig = site.root / "approvals" / INC / "1" / "comms--alice.sig"
    lines = sig.read_text().splitlines()
    body = lines[-2]
    lines[-2] = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    sig.write_text("\n".join(lines) + "\n")
    assert published_ids(site.load()) == []
    assert problems_for(site.root, sig, "approval-stale")


def test_registry_refuses_an_empty_rule_set(keys):
    teams = Teams(NAMESPACE, (), {}, {})
    with pytest.raises(SignatureError, match="teams.yml requires no team: refusing to treat anything as approved"):
        Registry(teams)
