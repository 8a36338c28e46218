"""Signing with ``ssh-keygen -Y sign``, so that agents and hardware keys work as usual."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import StatuskitError

__all__ = ["ssh_keygen_sign"]


def ssh_keygen_sign(key: Path | None, namespace: str, message: bytes) -> bytes:
    """Sign ``message`` with ``ssh-keygen -Y sign`` (agents and hardware keys work as usual);
    returns the armored signature. ``key`` defaults to ~/.ssh/id_ed25519."""
    if key is None:
        key = Path(os.path.expanduser("~/.ssh/id_ed25519"))
    if shutil.which("ssh-keygen") is None:
        raise StatuskitError("ssh-keygen was not found; install OpenSSH (8.2 or newer) to sign approvals")
    with tempfile.TemporaryDirectory() as tmp:
        stmt = Path(tmp) / "statement"
        stmt.write_bytes(message)
        proc = subprocess.run(["ssh-keygen", "-Y", "sign", "-n", namespace, "-f", str(key), str(stmt)],
                              capture_output=True, text=True)
        sig_path = Path(tmp) / "statement.sig"
        if proc.returncode != 0 or not sig_path.exists():
            raise StatuskitError(f"ssh-keygen could not sign with {key}: {proc.stderr.strip() or 'no output'}")
        return sig_path.read_bytes()
