"""The approval digest and the signed statement (approvals.md, protocol version 1).

>>> digest(update)                       # 'sha256:…' over the canonical JSON of the update
>>> statement("inc", 3, digest(update), "security", "bob")
b'statuskit-approval v1\\nincident: inc\\nupdate: 3\\n…'
"""

from __future__ import annotations

import hashlib
import json

from ..model.records import Update

STATEMENT_HEADER = "statuskit-approval v1"


def canonical_json(value: object) -> bytes:
    """Sorted keys, ``(",", ":")`` separators, no ASCII escaping, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(update: Update) -> str:
    """``sha256:<hex>`` of the update's canonical JSON (every key the author wrote, normalised)."""
    return "sha256:" + hashlib.sha256(canonical_json(dict(update.canonical))).hexdigest()


def statement(incident: str, update: int, digest_: str, team: str, member: str) -> bytes:
    """The exact bytes a member signs; rebuilt by the verifier, never stored."""
    return (
        f"{STATEMENT_HEADER}\n"
        f"incident: {incident}\n"
        f"update: {update}\n"
        f"digest: {digest_}\n"
        f"team: {team}\n"
        f"member: {member}\n"
    ).encode("utf-8")
