"""Interop with OpenSSH, both ways, at the level of approval files.

* Signatures made by ``ssh-keygen -Y sign`` (through ``statuskit approve --key``) count.
* On a corpus of valid and tampered approval files, statuskit's verdict for each file
  equals ``ssh-keygen -Y verify`` run with the exported allowed-signers file
  (``statuskit teams allowed-signers``) and the statement printed by ``statuskit statement``.

ssh-keygen knows keys, principals and namespaces but not teams, so the team rules
(membership, one person for one team) are statuskit's alone; see the last tests.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

from conftest import INCIDENT_YML, NAMESPACE, teams_yml
from statuskit.cli.main import cli
from statuskit.gate.approvals import all_approvals
from statuskit.gate.digest import digest, statement
from statuskit.gate.release import gate
from statuskit.ssh.sshsig import sign

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

T = datetime(2024, 8, 1, tzinfo=timezone.utc)
A, B, C = "2024-07-31-inc-a", "2024-07-31-inc-b", "2024-07-31-inc-c"

THREE = INCIDENT_YML + """\
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: postmortem
    public: |
      What happened, in detail.
"""


def run(*args: str, input: bytes | None = None) -> bytes:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def ssh_verify(root: Path, allowed: Path, sig: Path, incident: str, update: int, team: str, member: str) -> bool:
    """``statuskit statement ... | ssh-keygen -Y verify -f allowed_signers -I member -n NS -s sig``."""
    stmt = run("statement", incident, str(update), "--team", team, "--member", member, "--content", str(root))
    proc = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", member, "-n", NAMESPACE,
                           "-s", str(sig)], input=stmt, capture_output=True)
    return proc.returncode == 0


def keygen_sign(key: Path, namespace: str, message: bytes, tmp: Path) -> bytes:
    msg = tmp / "msg"
    msg.write_bytes(message)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key), str(msg)],
                   check=True, capture_output=True)
    data = (tmp / "msg.sig").read_bytes()
    (tmp / "msg.sig").unlink()
    return data


@pytest.fixture(scope="module")
def carol_old(tmp_path_factory):
    """A second key of carol's, revoked (a lost laptop)."""
    path = tmp_path_factory.mktemp("old") / "carol-old"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carol@old-laptop", "-f", str(path)],
                   check=True)
    return path.with_suffix(".pub").read_text().strip(), load_ssh_private_key(path.read_bytes(), None)


def corpus_teams(keys, carol_old) -> str:
    old_public, _ = carol_old
    text = teams_yml(keys, revoked=[old_public])
    line = f'    keys: ["{keys["carol"].public}"]'
    assert line in text
    return text.replace(line, f'    keys: ["{keys["carol"].public}", "{old_public}"]')


def test_allowed_signers_export(make_site, keys, carol_old):
    s = make_site({A: INCIDENT_YML.format(id=A)}, teams=corpus_teams(keys, carol_old))
    out = run("teams", "allowed-signers", "--content", str(s.root)).decode()
    lines = out.splitlines()
    assert lines[0].startswith("# statuskit approvers (") and lines[0].endswith(f"namespace {NAMESPACE}")

    def entry(m):
        kind, b64 = keys[m].public.split()[:2]
        return f'{m} namespaces="{NAMESPACE}" {kind} {b64}'

    assert lines[1:] == [entry(m) for m in ("alice", "bob", "carol", "dave")]  # no revoked key, no mallory
    assert carol_old[0].split()[1] not in out and keys["mallory"].public.split()[1] not in out


def test_ssh_keygen_signatures_made_by_statuskit_approve_count(make_site):
    """statuskit approve --key runs ssh-keygen -Y sign: ed25519, ECDSA and RSA all count."""
    s = make_site({A: INCIDENT_YML.format(id=A)})
    for update, comms, security in ((1, "alice", "dave"), (2, "carol", "bob")):
        for team, member in (("comms", comms), ("security", security)):
            run("approve", A, str(update), "--team", team, "--member", member,
                "--key", str(s.keys[member].path), "--yes", "--content", str(s.root))
    content = s.load()
    approvals = all_approvals(content)
    assert approvals[(A, 1)].valid == (("comms", "alice"), ("security", "dave"))
    assert approvals[(A, 2)].valid == (("comms", "carol"), ("security", "bob"))
    release, _ = gate(content, T)
    assert [u.id for u in release.incident(A).updates] == [1, 2]


@pytest.fixture
def corpus(make_site, keys, carol_old, tmp_path):
    """About twenty approval files, valid and tampered: {(incident, update, team, member): expected}."""
    s = make_site({A: THREE.format(id=A), B: THREE.format(id=B), C: INCIDENT_YML.format(id=C)},
                  teams=corpus_teams(keys, carol_old))
    root = s.root
    ap = root / "approvals"
    tmp = tmp_path / "sign"
    tmp.mkdir()
    content = s.load()

    def stmt(inc, u, team, member):
        return statement(inc, u, digest(content.incident(inc).update(u)), team, member)

    def put(inc, u, team, member, data):
        p = ap / inc / str(u) / f"{team}--{member}.sig"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
        return p

    expected = {}
    # valid: ssh-keygen through `statuskit approve` (ed25519, RSA, ECDSA) ...
    for inc, u, team, member in ((A, 1, "comms", "alice"), (A, 1, "security", "dave"), (A, 2, "comms", "carol")):
        run("approve", inc, str(u), "--team", team, "--member", member, "--key", str(keys[member].path), "--yes",
            "--content", str(root))
        expected[(inc, u, team, member)] = True
    # ... and in-process (sha512 and sha256)
    put(A, 2, "security", "bob", sign(keys["bob"].private, NAMESPACE, stmt(A, 2, "security", "bob")))
    put(A, 3, "security", "bob", sign(keys["bob"].private, NAMESPACE, stmt(A, 3, "security", "bob"), "sha256"))
    put(A, 3, "comms", "carol", sign(keys["carol"].private, NAMESPACE, stmt(A, 3, "comms", "carol"), "sha256"))
    expected |= {(A, 2, "security", "bob"): True, (A, 3, "security", "bob"): True, (A, 3, "comms", "carol"): True}

    # tampered: edited after approval
    put(C, 1, "comms", "alice", sign(keys["alice"].private, NAMESPACE, stmt(C, 1, "comms", "alice")))
    put(C, 1, "security", "dave", keygen_sign(keys["dave"].path, NAMESPACE, stmt(C, 1, "security", "dave"), tmp))
    inc_file = root / "incidents" / f"{C}.yml"
    inc_file.write_text(inc_file.read_text().replace("an outage of appointment", "a short outage of appointment"))
    expected |= {(C, 1, "comms", "alice"): False, (C, 1, "security", "dave"): False}
    # copied to another incident (same content), another update, another member
    src = ap / A / "1" / "comms--alice.sig"
    put(B, 1, "comms", "alice", src.read_bytes())
    put(A, 3, "security", "dave", (ap / A / "1" / "security--dave.sig").read_bytes())
    put(A, 1, "comms", "carol", src.read_bytes())
    expected |= {(B, 1, "comms", "alice"): False, (A, 3, "security", "dave"): False, (A, 1, "comms", "carol"): False}
    # keys: not in teams.yml, not a member at all, revoked
    put(B, 2, "comms", "alice", sign(keys["mallory"].private, NAMESPACE, stmt(B, 2, "comms", "alice")))
    put(B, 2, "comms", "mallory", sign(keys["mallory"].private, NAMESPACE, stmt(B, 2, "comms", "mallory")))
    put(B, 3, "comms", "carol", sign(carol_old[1], NAMESPACE, stmt(B, 3, "comms", "carol")))
    expected |= {(B, 2, "comms", "alice"): False, (B, 2, "comms", "mallory"): False, (B, 3, "comms", "carol"): False}
    # other namespaces: a git signature (made by ssh-keygen) and "file"
    put(B, 3, "security", "bob", keygen_sign(keys["bob"].path, "git", stmt(B, 3, "security", "bob"), tmp))
    put(B, 1, "security", "bob", sign(keys["bob"].private, "file", stmt(B, 1, "security", "bob")))
    expected |= {(B, 3, "security", "bob"): False, (B, 1, "security", "bob"): False}
    # broken files
    good = sign(keys["alice"].private, NAMESPACE, stmt(C, 2, "comms", "alice"))
    lines = good.splitlines()
    put(C, 2, "comms", "alice", good[: len(good) // 2])
    put(C, 2, "security", "bob", "\n".join([lines[0], "A" * 8 + lines[1][8:], *lines[2:]]) + "\n")
    put(C, 2, "comms", "carol", b"")
    put(C, 2, "security", "dave", "-----BEGIN PGP SIGNATURE-----\n\niQEzBAAB\n-----END PGP SIGNATURE-----\n")
    flipped = sign(keys["dave"].private, NAMESPACE, stmt(A, 2, "security", "dave")).splitlines()
    flipped[-2] = flipped[-2][:-6] + ("A" if flipped[-2][-6] != "A" else "B") + flipped[-2][-5:]
    put(A, 2, "security", "dave", "\n".join(flipped) + "\n")
    expected |= {(C, 2, "comms", "alice"): False, (C, 2, "security", "bob"): False, (C, 2, "comms", "carol"): False,
                 (C, 2, "security", "dave"): False, (A, 2, "security", "dave"): False}
    return s, expected


def test_verdicts_match_ssh_keygen_file_by_file(corpus, tmp_path):
    site, expected = corpus
    root = site.root
    files = sorted(str(p.relative_to(root / "approvals")) for p in (root / "approvals").rglob("*.sig"))
    assert len(files) == len(expected) >= 15
    allowed = tmp_path / "allowed_signers"
    allowed.write_bytes(run("teams", "allowed-signers", "--content", str(root)))
    approvals = all_approvals(site.load())

    statuskit, openssh = {}, {}
    for (inc, u, team, member) in expected:
        sig = root / "approvals" / inc / str(u) / f"{team}--{member}.sig"
        statuskit[(inc, u, team, member)] = (team, member) in approvals[(inc, u)].valid
        openssh[(inc, u, team, member)] = ssh_verify(root, allowed, sig, inc, u, team, member)
    disagree = {k: (statuskit[k], openssh[k]) for k in expected if statuskit[k] != openssh[k]}
    assert disagree == {}
    assert statuskit == expected
    assert sum(expected.values()) == 6 and list(expected.values()).count(False) >= 14


def test_statement_command_prints_the_exact_signed_bytes(make_site):
    s = make_site({A: INCIDENT_YML.format(id=A)})
    out = run("statement", A, "2", "--team", "security", "--member", "bob", "--content", str(s.root))
    d = digest(s.load().incident(A).update(2))
    assert out == (f"statuskit-approval v1\nincident: {A}\nupdate: 2\ndigest: {d}\nteam: security\nmember: bob\n"
                   ).encode()


def test_team_rules_are_statuskits_alone(make_site, keys, tmp_path):
    """alice (comms) signing for security: a valid SSH signature by a listed key, which
    ssh-keygen accepts, but statuskit does not count: she is not in that team."""
    s = make_site({A: INCIDENT_YML.format(id=A)})
    sig = s.approve(A, 1, "security", "alice")
    allowed = tmp_path / "allowed_signers"
    allowed.write_bytes(run("teams", "allowed-signers", "--content", str(s.root)))
    assert ssh_verify(s.root, allowed, sig, A, 1, "security", "alice")
    assert all_approvals(s.load())[(A, 1)].valid == ()
