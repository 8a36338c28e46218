"""Signing with ``ssh-keygen -Y sign``, so that agents and hardware keys work as usual; and finding
the public keys an approver holds (a key file, or the ssh-agent's ``ssh-add -L``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import StatuskitError

__all__ = ["ssh_keygen_sign", "agent_public_keys", "public_key_of"]


def ssh_keygen_sign(key: Path | None, namespace: str, message: bytes, agent_key: str | None = None) -> bytes:
    """Sign ``message`` with ``ssh-keygen -Y sign`` (agents and hardware keys work as usual);
    returns the armored signature. ``key`` defaults to ~/.ssh/id_ed25519; ``agent_key`` (a public
    key line the ssh-agent holds) signs through the agent instead."""
    if key is None and agent_key is None:
        key = Path(os.path.expanduser("~/.ssh/id_ed25519"))
    if shutil.which("ssh-keygen") is None:
        raise StatuskitError("ssh-keygen was not found; install OpenSSH (8.2 or newer) to sign approvals")
    with tempfile.TemporaryDirectory() as tmp:
        if key is None:  # ssh-keygen signs with the agent's private half of a public key file
            key = Path(tmp) / "agent-key.pub"
            key.write_text(f"{agent_key}\n", encoding="utf-8")
            shown = "the ssh-agent's key"
        else:
            shown = str(key)
        stmt = Path(tmp) / "statement"
        stmt.write_bytes(message)
        proc = subprocess.run(["ssh-keygen", "-Y", "sign", "-n", namespace, "-f", str(key), str(stmt)],
                              capture_output=True, text=True)
        sig_path = Path(tmp) / "statement.sig"
        if proc.returncode != 0 or not sig_path.exists():
            raise StatuskitError(f"ssh-keygen could not sign with {shown}: {proc.stderr.strip() or 'no output'}")
        return sig_path.read_bytes()


def agent_public_keys() -> list[str] | None:
    """The public key lines the ssh-agent at $SSH_AUTH_SOCK holds (``ssh-add -L``), in its order;
    None when there is no agent to ask (no $SSH_AUTH_SOCK, no ssh-add, or it cannot be reached)."""
    if not os.environ.get("SSH_AUTH_SOCK") or shutil.which("ssh-add") is None:
        return None
    proc = subprocess.run(["ssh-add", "-L"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode == 1:  # "The agent has no identities."
        return []
    if proc.returncode != 0:
        return None
    return [line.strip() for line in proc.stdout.splitlines() if line.strip()]


def public_key_of(key: Path) -> str | None:
    """The public key line of ``key``: a ``.pub`` file itself, the ``.pub`` next to a private key, or
    what ``ssh-keygen -y`` derives from an unencrypted private key; None when none of these works
    (an encrypted key without its .pub: ssh-keygen will ask for the passphrase when signing)."""
    for pub in ((key,) if key.suffix == ".pub" else (key.with_name(key.name + ".pub"),)):
        try:
            text = pub.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text and len(text.split()) >= 2:
            return text.splitlines()[0].strip()
    if key.suffix == ".pub" or not key.is_file() or shutil.which("ssh-keygen") is None:
        return None
    proc = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(key)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None
