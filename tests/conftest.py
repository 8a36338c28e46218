"""Shared fixtures: real ssh-keygen keys, and tiny content folders built per test.

>>> def test_x(make_site):
...     site = make_site({"2024-07-31-outage": INCIDENT_YAML})
...     site.approve_all()                  # real SSH signatures by a comms and a security member
...     content = site.load()
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

from statuskit.gate.digest import digest, statement
from statuskit.ssh.sshsig import sign
from statuskit.model.content import load_content

REPO = Path(__file__).resolve().parent.parent
DEMO_AT = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)
NAMESPACE = "statuskit-approval@status.test.example"

MEMBERS = {
    # member: (team, key type)
    "alice": ("comms", "ed25519"),
    "carol": ("comms", "ecdsa"),
    "bob": ("security", "ed25519"),
    "dave": ("security", "rsa"),
}

COMPONENTS_YML = """\
components:
  - id: patient-portal
    name: Patient portal
    group: Clinical services
  - id: scheduling
    name: Appointment scheduling
    group: Clinical services
  - id: website
    name: Website
"""

INCIDENT_YML = """\
id: {id}
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
    status: resolved
    public: |
      Scheduling is working again.
"""
"""A two-update incident; format with id=..."""


def sign_site(content: Path, keys: dict[str, Key], signers=(("comms", "alice"), ("security", "bob"))) -> Path:
    """Approve the site files of the project around ``content`` (its parent folder: mkdocs.yml, docs/,
    the theme, components.yml, .github/) as the next ``_site/<n>`` step, with real signatures by
    ``signers`` in the namespace of the content's teams.yml. Every test that builds a site signs
    through this helper; call it again after editing a site file. Returns the step folder."""
    from statuskit.gate.site_chain import SITE, WorkTree, collect_site_files, content_rel, file_hashes, \
        manifest_bytes, parse_manifest, read_steps, state_digest, step_statement

    project = Path(content).resolve().parent
    files, problems = collect_site_files(WorkTree(project), content_rel(project, content))
    assert not problems, problems
    state = file_hashes(files)
    steps, _ = read_steps(WorkTree(Path(content)), "approvals", SITE)
    seq = max(steps, default=0) + 1
    last = parse_manifest(SITE, steps[seq - 1])[0] if seq > 1 else None
    manifest = manifest_bytes(SITE, seq, last["digest"] if last else state_digest(state), state_digest(state), state)
    namespace = load_content(Path(content), only=set()).teams.namespace
    step = Path(content) / "approvals" / SITE.folder / str(seq)
    step.mkdir(parents=True)
    (step / "manifest.json").write_bytes(manifest)
    for team, member in signers:
        (step / f"{team}--{member}.sig").write_text(
            sign(keys[member].private, namespace, step_statement(SITE, manifest, team, member)))
    return step


def sign_teams_step(content: Path, keys: dict[str, Key], team: str, member: str, previous, seq: int = 1, *,
                    signer: str | None = None, replaces: str | None = None) -> Path:
    """Approve the working tree's teams.yml as step ``_teams/<seq>`` (from the registry ``previous``),
    in-process, as ``member`` of ``team`` with the key of ``signer`` (default: ``member``), in
    ``previous``'s namespace. ``replaces`` overrides the manifest's (to forge a wrong one)."""
    from statuskit.gate.site_chain import TEAMS, manifest_bytes, step_statement
    from statuskit.gate.teams_chain import registry_digest, registry_json

    new = load_content(Path(content), only=set()).teams
    manifest = manifest_bytes(TEAMS, seq, replaces or registry_digest(previous), registry_digest(new),
                              registry_json(new))
    step = Path(content) / "approvals" / TEAMS.folder / str(seq)
    step.mkdir(parents=True, exist_ok=True)
    (step / "manifest.json").write_bytes(manifest)
    path = step / f"{team}--{member}.sig"
    path.write_text(sign(keys[signer or member].private, previous.namespace,
                         step_statement(TEAMS, manifest, team, member)))
    return path


@pytest.fixture
def site_signer(keys):
    """``site_signer(content)``: :func:`sign_site` with the session's keys (for any test folder)."""
    return lambda content, signers=(("comms", "alice"), ("security", "bob")): sign_site(content, keys, signers)


@pytest.fixture
def teams_signer(keys):
    """``teams_signer(content, team, member, previous, seq, ...)``: :func:`sign_teams_step` with the session's keys."""
    return lambda content, *args, **kw: sign_teams_step(content, keys, *args, **kw)


@pytest.fixture(autouse=True)
def _no_user_cache(monkeypatch):
    """Tests never read or write the user's caches (`cache_dir` turns them on in a test's own folder)."""
    monkeypatch.setenv("STATUSKIT_CACHE", "0")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """Turn the per-user caches on, in a folder of this test's own."""
    d = tmp_path / "cache"
    monkeypatch.setenv("STATUSKIT_CACHE", "1")
    monkeypatch.setenv("STATUSKIT_CACHE_DIR", str(d))
    return d


@dataclass
class Key:
    """A real OpenSSH key made by ssh-keygen."""

    member: str
    team: str
    path: Path
    public: str
    private: object = field(repr=False)


def _keygen(path: Path, kind: str, comment: str) -> None:
    args = {"ed25519": ["-t", "ed25519"], "ecdsa": ["-t", "ecdsa", "-b", "256"], "rsa": ["-t", "rsa", "-b", "3072"]}[kind]
    subprocess.run(["ssh-keygen", "-q", *args, "-N", "", "-C", comment, "-f", str(path)], check=True)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, Key]:
    """One real key per member (alice/carol: comms; bob/dave: security), plus 'mallory' (in no team)."""
    d = tmp_path_factory.mktemp("keys")
    out = {}
    for member, (team, kind) in {**MEMBERS, "mallory": ("none", "ed25519")}.items():
        path = d / member
        _keygen(path, kind, f"{member}@test")
        private = load_ssh_private_key(path.read_bytes(), password=None)
        out[member] = Key(member, team, path, path.with_suffix(".pub").read_text().strip(), private)
    return out


def teams_yml(keys: dict[str, Key], *, required=("comms", "security"), extra: str = "", revoked=()) -> str:
    lines = [f"namespace: {NAMESPACE}", f"required_teams: [{', '.join(required)}]", "members:"]
    for m in MEMBERS:
        lines += [f"  {m}:", f"    name: {m.capitalize()} Example", f"    keys: [\"{keys[m].public}\"]"]
    lines.append("teams:")
    for team in ("comms", "security"):
        lines.append(f"  {team}: [{', '.join(m for m, (t, _) in MEMBERS.items() if t == team)}]")
    lines.append("revoked_keys: [" + ", ".join(f'"{k}"' for k in revoked) + "]")
    return "\n".join(lines) + "\n" + extra


@dataclass
class Site:
    """A content folder under a test's tmp_path."""

    root: Path
    keys: dict[str, Key]

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def incident(self, iid: str, text: str | None = None) -> Path:
        return self.write(f"incidents/{iid}.yml", text if text is not None else INCIDENT_YML.format(id=iid))

    def load(self):
        return load_content(self.root)

    def approve(self, incident: str, update: int, team: str, member: str, *, signer: str | None = None,
                namespace: str = NAMESPACE) -> Path:
        """Sign update ``update`` in-process, as ``member`` for ``team`` (key of ``signer`` if given)."""
        content = self.load()
        u = content.incident(incident).update(update)
        msg = statement(incident, update, digest(u), team, member)
        path = self.root / "approvals" / incident / str(update) / f"{team}--{member}.sig"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sign(self.keys[signer or member].private, namespace, msg))
        return path

    def sign_site(self, signers=(("comms", "alice"), ("security", "bob"))) -> Path:
        """Approve the site files of the project around this content folder (:func:`sign_site`)."""
        return sign_site(self.root, self.keys, signers)

    def sign_teams(self, team: str, member: str, previous, seq: int = 1, **kw) -> Path:
        """Approve this teams.yml as step ``seq`` from ``previous`` (:func:`sign_teams_step`)."""
        return sign_teams_step(self.root, self.keys, team, member, previous, seq, **kw)

    def approve_all(self, incident: str | None = None, upto: int | None = None) -> None:
        """Approve every update (of one incident, up to ``upto``) by alice (comms) and bob (security)."""
        content = self.load()
        for inc in content.incidents:
            if incident and inc.id != incident:
                continue
            for u in inc.updates:
                if upto is not None and u.id > upto:
                    continue
                self.approve(inc.id, u.id, "comms", "alice")
                self.approve(inc.id, u.id, "security", "bob")


@pytest.fixture
def make_site(tmp_path, keys):
    """Factory: ``make_site({id: yaml or None}, components=..., teams=...)`` -> Site."""

    def make(incidents: dict[str, str | None] | None = None, *, components: str = COMPONENTS_YML,
             teams: str | None = None) -> Site:
        root = tmp_path / "content"
        root.mkdir(exist_ok=True)
        site = Site(root, keys)
        site.write("components.yml", components)
        site.write("teams.yml", teams if teams is not None else teams_yml(keys))
        (root / "incidents").mkdir(exist_ok=True)
        for iid, text in (incidents or {}).items():
            site.incident(iid, text)
        return site

    return make


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    """A copy of the repository's demo content folder."""
    dst = tmp_path / "content"
    shutil.copytree(REPO / "content", dst)
    return dst
