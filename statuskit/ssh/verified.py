"""A per-user cache of signatures this machine has already verified.

Verifying an ed25519 signature costs ~130 µs here; a site with 10,000
incidents carries 100,000 approvals, so a cold ``check`` spends most of its
time in the cryptography. A signature's validity is a pure function of
(public key, namespace, hash algorithm, signature, message), so once verified
that exact tuple need never be verified again. The cache stores the SHA-256 of
each verified tuple -- positives only -- in a file under the user's cache
folder, never in the repository:

- in :func:`statuskit.infra.cache.cache_dir` (``STATUSKIT_CACHE=0`` turns it off); the checks of
  namespace, member, team and revocation always run; only the signature arithmetic is
  skipped for a known tuple.

Anyone who can write to your cache folder could make a forged signature count
on your machine -- but they could as well replace statuskit itself. CI starts
with an empty cache, so what CI verifies is always verified in full.

Records are 32-byte digests appended with ``O_APPEND`` (forked workers append
concurrently without tearing); a partial trailing record is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from ..infra.cache import cache_dir, feed
from .sshsig import SshSig, verify

FILE_NAME = "verified-sshsig-v1"
MAX_BYTES = 64 * 1024 * 1024
"""Beyond this size (2 million records) the cache starts afresh."""


def _key(sig: SshSig, message: bytes) -> bytes:
    h = hashlib.sha256(b"statuskit verified sshsig v1\0")
    feed(h, sig.public_key, sig.namespace.encode(), sig.hash_algorithm.encode(), sig.signature, message)
    return h.digest()


class VerifiedCache:
    """A set of verified-signature digests backed by an append-only file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: set[bytes] = set()
        self._fd: int | None = None
        self._pid = 0
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError:
            return
        if len(data) > MAX_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()
            return
        self.known = {data[i:i + 32] for i in range(0, len(data) - len(data) % 32, 32)}

    def verify(self, sig: SshSig, message: bytes) -> None:
        """Like :func:`statuskit.ssh.sshsig.verify`, skipping the arithmetic for a known tuple."""
        if self.path is None:
            verify(sig, message)  # turned off: nothing to remember
            return
        key = _key(sig, message)
        if key in self.known:
            return
        verify(sig, message)  # raises SignatureError
        self.known.add(key)
        self._append(key)

    def _append(self, key: bytes) -> None:
        if self.path is None:
            return
        try:
            if self._fd is None or self._pid != os.getpid():  # one descriptor per (forked) process
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
                self._pid = os.getpid()
            os.write(self._fd, key)
        except OSError:
            self.path = None  # read-only or full disk: carry on without persisting

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = None

    def __del__(self) -> None:
        self.close()


def cache_path() -> Path | None:
    """Where the cache lives, or None when it is turned off (:func:`statuskit.infra.cache.cache_dir`)."""
    base = cache_dir()
    return base / FILE_NAME if base is not None else None


def default_cache() -> VerifiedCache:
    """The cache for this user (an in-memory one when turned off)."""
    return VerifiedCache(cache_path())
