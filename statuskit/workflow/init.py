"""``statuskit init DIR``: a complete new status site, from templates shipped in the package.

The templates live in ``statuskit/templates/init/``; a path part named
``dot-X`` is written as ``.X`` (packaging tools skip hidden files), and
``@@name@@`` markers are filled in. Nothing secret is generated: approvers'
public keys come from ``--comms-key``/``--security-key``, or the new
``teams.yml`` holds clearly marked example keys that nobody can sign with
(their bytes are a hash, so no private key exists for them), and ``statuskit
check`` warns about them until they are replaced.

>>> written = init_site(Path("status"), InitOptions(name="Example status"))
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem, Severity, SignatureError, StatuskitError
from ..model.content import display_path
from ..model.records import Teams
from ..model.validate import ID_RE
from ..ssh.sshsig import public_key_blob

__all__ = ["InitOptions", "init_site", "example_key", "example_key_problems", "read_public_key"]

EXAMPLE_KEY_COMMENT = "EXAMPLE-KEY-replace-with-a-real-public-key"
"""The comment of the example keys ``init`` writes when given no real keys."""
DEFAULT_OWNERS = "@your-org/status-comms-leads @your-org/status-security-leads"
_MARKER = re.compile(r"@@([a-z_]+)@@")


def example_key(team: str) -> str:
    """An ed25519 public key line that nobody can sign with: its 32 bytes are sha256 of a fixed text."""
    raw = hashlib.sha256(f"statuskit example key, team {team}: replace it".encode()).digest()
    name = b"ssh-ed25519"
    blob = struct.pack(">I", len(name)) + name + struct.pack(">I", len(raw)) + raw
    return f"ssh-ed25519 {base64.b64encode(blob).decode('ascii')} {EXAMPLE_KEY_COMMENT}"


def _is_example(key_line: str) -> bool:
    parts = key_line.split()
    return len(parts) >= 2 and (EXAMPLE_KEY_COMMENT in parts[2:] or
                                parts[1] in {example_key(t).split()[1] for t in ("comms", "security")})


def example_key_problems(teams: Teams) -> list[Problem]:
    """A warning for each member whose key is still an example key written by ``statuskit init``."""
    lines: list[str] = []
    try:
        lines = Path(teams.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        pass
    out = []
    for mid, m in teams.members.items():
        for k in m.keys:
            if _is_example(k):
                body = k.split()[1]
                line = next((i + 1 for i, text in enumerate(lines) if body in text), None)
                out.append(Problem(teams.file, line, f"members.{mid}.keys",
                                   f"member '{mid}' still has an example key from `statuskit init`: nobody can sign "
                                   f"with it; replace it with {mid}'s real public key (the one line of their "
                                   f"~/.ssh/id_ed25519.pub)", Severity.WARNING, "example-key"))
    return out


def read_public_key(path: Path, option: str) -> str:
    """The OpenSSH public key line in ``path`` (refuses a private key, and anything that does not parse)."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StatuskitError(f"{option} {path}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    if "PRIVATE KEY" in text:
        raise StatuskitError(f"{option} {path}: this is a private key; give the public key (the .pub file) instead")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(lines) != 1:
        raise StatuskitError(f"{option} {path}: expected one OpenSSH public key line, found {len(lines)} lines")
    try:
        public_key_blob(lines[0])
    except SignatureError as exc:
        raise StatuskitError(f"{option} {path}: not a usable OpenSSH public key: {exc.message}") from None
    return lines[0].strip()


@dataclass(frozen=True)
class Approver:
    """The first member of a team."""

    member: str
    name: str
    key: str | None = None
    """An OpenSSH public key line; None writes an example key."""


@dataclass(frozen=True)
class InitOptions:
    """What ``statuskit init`` asks for; every field has a usable default."""

    name: str = "Example status"
    url: str = "https://status.example.org/"
    namespace: str | None = None
    """Default: ``statuskit-approval@<host of url>``."""
    comms: Approver = field(default_factory=lambda: Approver("comms-lead", "Communications lead"))
    security: Approver = field(default_factory=lambda: Approver("security-lead", "Security lead"))
    requirement: str | None = None
    """The pip requirement CI installs (``.github/statuskit-requirements.txt``); default: exactly this
    statuskit, ``statuskit @ git+URL@COMMIT`` from ``statuskit_source`` or the installed distribution."""
    statuskit_source: str | None = None
    """``URL@COMMIT`` of the statuskit CI installs; default: the running one (:mod:`statuskit.workflow.source`)."""
    owners: str = DEFAULT_OWNERS
    """CODEOWNERS owners of teams.yml and .github/."""


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _requirement(o: InitOptions) -> str:
    """What CI installs: --requirement as given, else exactly the statuskit that runs (or --statuskit-source)."""
    from .source import requirement, running_source

    if o.requirement:
        if "\n" in o.requirement or not o.requirement.strip():
            raise StatuskitError(f"--requirement {o.requirement!r}: give one pip requirement line")
        return o.requirement.strip()
    return requirement(o.statuskit_source or running_source())


def _values(o: InitOptions) -> dict[str, str]:
    url = o.url if o.url.endswith("/") else o.url + "/"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StatuskitError(f"--url {o.url!r}: expected an address like https://status.example.org/")
    namespace = o.namespace or f"statuskit-approval@{parts.hostname}"
    if namespace in ("git", "file") or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9@._+-]*", namespace, re.ASCII):
        raise StatuskitError(f"--namespace {namespace!r}: use letters, digits and @._+- (never 'git' or 'file')")
    for team, a in (("comms", o.comms), ("security", o.security)):
        if not ID_RE.match(a.member):
            raise StatuskitError(f"--{team}-member {a.member!r}: member ids match ^[a-z0-9][a-z0-9-]{{0,79}}$")
    if o.comms.member == o.security.member:
        raise StatuskitError("the comms and the security member must be different people "
                             "(one person never counts for two teams)")
    if o.comms.key and o.security.key and o.comms.key.split()[1] == o.security.key.split()[1]:
        raise StatuskitError("the comms and the security member have the same key: one key, one person")
    examples = [t for t, a in (("comms", o.comms), ("security", o.security)) if not a.key]
    note = ""
    if examples:
        note = ("#\n# THE KEYS BELOW MARKED EXAMPLE-KEY ARE PLACEHOLDERS: nobody can sign with them. Replace\n"
                "# each with the member's real public key (the one line of ~/.ssh/id_ed25519.pub);\n"
                "# `statuskit check` warns until you do.\n")
    return {
        "site_name": o.name.replace("\n", " "),
        "site_name_yaml": _yaml_str(o.name),
        "site_url": url,
        "site_url_yaml": _yaml_str(url),
        "namespace": namespace,
        "example_note": note,
        "comms_member": o.comms.member,
        "comms_name_yaml": _yaml_str(o.comms.name),
        "comms_key_yaml": _yaml_str(o.comms.key or example_key("comms")),
        "security_member": o.security.member,
        "security_name_yaml": _yaml_str(o.security.name),
        "security_key_yaml": _yaml_str(o.security.key or example_key("security")),
        "statuskit_requirement": _requirement(o),
        "owners": o.owners,
    }


def _templates() -> list[tuple[str, bytes]]:
    """(relative output path, bytes) of every template file, sorted."""
    root = resources.files("statuskit") / "templates" / "init"
    out: list[tuple[str, bytes]] = []

    def walk(node, parts: tuple[str, ...]) -> None:
        for child in node.iterdir():
            if child.name == "__pycache__":
                continue
            name = "." + child.name[4:] if child.name.startswith("dot-") else child.name
            if child.is_dir():
                walk(child, parts + (name,))
            else:
                out.append(("/".join(parts + (name,)), child.read_bytes()))

    walk(root, ())
    return sorted(out)


def render_templates(options: InitOptions) -> dict[str, str]:
    """Relative path -> file text of the new site."""
    values = _values(options)
    files = {}
    for rel, data in _templates():
        text = data.decode("utf-8")

        def fill(m: re.Match[str], rel: str = rel) -> str:
            if m.group(1) not in values:
                raise StatuskitError(f"template {rel}: unknown marker {m.group(0)}")  # a packaging bug
            return values[m.group(1)]

        files[rel] = _MARKER.sub(fill, text)
    return files


def init_site(dest: Path, options: InitOptions) -> list[Path]:
    """Write a new site into ``dest`` (created if missing; refused unless empty). Returns the files written."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise StatuskitError(f"{display_path(dest)} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise StatuskitError(f"{display_path(dest)} is not empty; statuskit init writes only into a new or empty folder")
    files = render_templates(options)  # everything is rendered before anything is written
    written = []
    for rel, text in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
