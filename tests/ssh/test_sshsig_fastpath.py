"""Strict parsing of unusual SSHSIG input, and the ed25519 fast path of ``verify``.

``verify`` takes the usual ed25519 signature blob apart in one step; these tests pin that it
judges every other blob of that length as strictly as the general path. (``parse_armored`` has
one parser: the fast path beside it was removed, see bench/README.md; its tests here now pin
that well-formed-looking armor is refused and unusual valid input parses.)
"""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from statuskit.errors import SignatureError
from statuskit.ssh import sshsig
from statuskit.ssh.sshsig import parse_armored, sign, verify

NS = "statuskit-approval"
MESSAGE = b"statuskit-approval v1\nincident: 2024-07-31-x\nupdate: 1\n"


def s(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def armor(blob: bytes, width: int = 70) -> bytes:
    b64 = base64.b64encode(blob)
    lines = [b64[i : i + width] for i in range(0, len(b64), width)]
    return b"\n".join([b"-----BEGIN SSH SIGNATURE-----", *lines, b"-----END SSH SIGNATURE-----"]) + b"\n"


def fields(text: bytes) -> list[bytes]:
    """The five strings of an SSHSIG blob (written independently of the module)."""
    blob = base64.b64decode(b"".join(text.strip().split(b"\n")[1:-1]))
    out, pos = [], 10
    while pos < len(blob):
        (n,) = struct.unpack(">I", blob[pos : pos + 4])
        out.append(blob[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return out


def build(public_key: bytes, namespace: bytes, reserved: bytes, hash_algorithm: bytes, signature: bytes) -> bytes:
    return b"SSHSIG" + struct.pack(">I", 1) + s(public_key) + s(namespace) + s(reserved) + s(hash_algorithm) + s(signature)


@pytest.fixture(scope="module")
def texts() -> list[bytes]:
    keys: list[Any] = [
        ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32))),
        ec.generate_private_key(ec.SECP256R1()),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    ]
    return [sign(k, ns, MESSAGE, h).encode() for k in keys for ns in (NS, "ünï") for h in ("sha256", "sha512")]


B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def non_canonical(text: bytes) -> bytes:
    """The same text with the unused low bits of the last base64 digit set."""
    at = text.index(b"=")
    digit = B64.index(text[at - 1 : at])
    assert digit % 4 == 0
    return text[: at - 1] + B64[digit + 1 : digit + 2] + text[at:]


TARGETED = [  # (name, change): well-formed-looking input that must be refused
    ("non-canonical base64", non_canonical),
    ("space after the footer", lambda t: t.replace(b"-----\n", b"----- \n")),
    ("CR only after the footer", lambda t: t[:-1] + b"\r"),
    ("two line ends after the footer", lambda t: t + b"\n"),
    ("a second footer", lambda t: t + t[t.index(b"-----END") :]),
    ("empty line before the footer", lambda t: t.replace(b"\n-----END", b"\n\n-----END")),
    ("header only", lambda t: t[: t.index(b"\n") + 1] + b"-----END SSH SIGNATURE-----\n"),
]


@pytest.mark.parametrize("change", [c for _, c in TARGETED], ids=[n for n, _ in TARGETED])
def test_targeted_armor_changes_are_refused(texts: list[bytes], change: Any) -> None:
    data = change(texts[0])
    assert data != texts[0]
    with pytest.raises(SignatureError, match="^malformed SSH signature armor"):
        parse_armored(data)


def test_unusual_valid_input_parses(texts: list[bytes]) -> None:
    text = texts[0]
    expected = parse_armored(text)
    pub, ns, _, hashalg, sig = fields(text)
    variants = [
        text.replace(b"\n", b"\r\n"),  # CRLF
        text.replace(b"\n", b"\r\n", 2).replace(b"\r\n", b"\n", 1),  # one base64 line ends in CRLF
        armor(build(pub, ns, b"r" * 70_000, hashalg, sig)),  # a length of 64 KiB or more
    ]
    for data in variants:
        assert parse_armored(data) == expected
    verify(parse_armored(variants[1]), MESSAGE)


def test_length_with_high_bytes_set_is_not_misread(texts: list[bytes]) -> None:
    pub, ns, reserved, hashalg, sig = fields(texts[0])
    blob = build(pub, ns, reserved, hashalg, sig)
    at = 10 + 4 + len(pub) + 4 + len(ns)  # the reserved field's length
    bad = blob[:at] + struct.pack(">I", 0x0001_0000 + len(reserved)) + blob[at + 4 :]
    with pytest.raises(SignatureError, match=r"^truncated SSHSIG blob: reserved needs 65536 bytes, \d+ left$"):
        parse_armored(armor(bad))


def test_ed25519_signature_blobs_of_the_usual_length_are_still_parsed_strictly(texts: list[bytes]) -> None:
    sig = parse_armored(texts[0])
    raw = sig.signature[-64:]
    assert sig.signature == s(b"ssh-ed25519") + s(raw)  # 83 bytes: the fast verify path
    verify(sig, MESSAGE)
    cases = [  # each 83 bytes long too, but not the usual layout
        (s(b"ssh-ed25519") + s(raw[:63]) + b"\0", "malformed signature blob: 1 unexpected trailing bytes"),
        (s(b"ssh-ed25518") + s(raw), "signature type 'ssh-ed25518' does not match key type 'ssh-ed25519'"),
        (s(b"ssh-ed25519") + s(raw[:-1] + bytes([raw[-1] ^ 1])), "^signature does not verify \\(ssh-ed25519 key SHA256:"),
    ]
    for blob, match in cases:
        assert len(blob) == len(sig.signature)
        with pytest.raises(SignatureError, match=match):
            verify(sshsig.SshSig(sig.public_key, sig.key_type, sig.namespace, sig.hash_algorithm, blob), MESSAGE)
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(sig, MESSAGE + b"x")
