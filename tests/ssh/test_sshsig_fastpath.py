"""The fast paths of statuskit.ssh.sshsig must never accept more than the careful ones.

``parse_armored`` tries ``_parse_fast`` (the usual ssh-keygen layout) and falls back to
``_parse_careful``, which finds and names every problem; ``verify`` takes the usual
ed25519 signature blob apart in one step. These tests pin that the fast paths are taken
for ordinary signatures, that they agree with the careful paths on tampered input, and
that unusual-but-valid input still parses by way of the careful path.
"""

from __future__ import annotations

import base64
import random
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


def careful(data: bytes) -> sshsig.SshSig | str:
    try:
        return sshsig._parse_careful(data)
    except SignatureError as exc:
        return str(exc)


def test_ordinary_signatures_take_the_fast_path(texts: list[bytes]) -> None:
    for text in texts:
        fast = sshsig._parse_fast(text)
        assert fast is not None
        assert fast == careful(text) == parse_armored(text)
        assert sshsig._parse_fast(text.rstrip(b"\n")) == fast  # no final newline


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op, i = rng.randrange(5), rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i] = rng.choice(b"A/+=\n\r -\0\xff")
        elif op == 2:
            b.insert(i, rng.choice(b"A=\n\r-"))
        elif op == 3:
            del b[i]
        else:
            b[i] = rng.randrange(256)
    return bytes(b)


def _tamper_blob(text: bytes, rng: random.Random) -> bytes:
    pub, ns, reserved, hashalg, sig = fields(text)
    choice = rng.randrange(8)
    if choice == 0:
        ns = rng.choice([b"", b"a\0b", b"\xff\xfe", b"x" * 300])
    elif choice == 1:
        hashalg = rng.choice([b"sha1", b"SHA512", b"sha256\0", b""])
    elif choice == 2:
        sig = rng.choice([b"", sig[:-1], sig + b"\0"])
    elif choice == 3:
        pub = rng.choice([pub[:-1], pub + b"\0", s(b"ssh-dss") + s(b"x"), s(b"ssh-ed25519") + s(bytes(31))])
    elif choice == 4:
        reserved = rng.choice([b"", b"future", b"\0" * 3])
    blob = bytearray(build(pub, ns, reserved, hashalg, sig))
    if choice >= 5:  # flip a bit anywhere, length fields and magic included
        i = rng.randrange(len(blob))
        blob[i] ^= 1 << rng.randrange(8)
    if choice == 7:
        del blob[rng.randrange(len(blob)) :]
    return armor(bytes(blob), width=rng.choice([70, 64, 7, 10_000]))


def test_fast_path_never_accepts_what_the_careful_path_rejects(texts: list[bytes]) -> None:
    rng = random.Random(3)
    taken = 0
    for round_ in range(3000):
        text = rng.choice(texts)
        data = _mutate(text, rng) if round_ % 2 else _tamper_blob(text, rng)
        fast = sshsig._parse_fast(data)
        expected = careful(data)
        if fast is not None:
            taken += 1
            assert fast == expected, data
        # and the public function agrees with the careful path, message included
        try:
            assert parse_armored(data) == expected
        except SignatureError as exc:
            assert str(exc) == expected
    assert taken > 100  # the blob tampering keeps many inputs well formed


B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def non_canonical(text: bytes) -> bytes:
    """The same text with the unused low bits of the last base64 digit set."""
    at = text.index(b"=")
    digit = B64.index(text[at - 1 : at])
    assert digit % 4 == 0
    return text[: at - 1] + B64[digit + 1 : digit + 2] + text[at:]


TARGETED = [  # (name, change): well-formed-looking input the careful path must judge
    ("non-canonical base64", non_canonical),
    ("space after the footer", lambda t: t.replace(b"-----\n", b"----- \n")),
    ("CR only after the footer", lambda t: t[:-1] + b"\r"),
    ("two line ends after the footer", lambda t: t + b"\n"),
    ("a second footer", lambda t: t + t[t.index(b"-----END") :]),
    ("empty line before the footer", lambda t: t.replace(b"\n-----END", b"\n\n-----END")),
    ("header only", lambda t: t[: t.index(b"\n") + 1] + b"-----END SSH SIGNATURE-----\n"),
]


@pytest.mark.parametrize("change", [c for _, c in TARGETED], ids=[n for n, _ in TARGETED])
def test_targeted_armor_changes_are_judged_by_the_careful_path(texts: list[bytes], change: Any) -> None:
    data = change(texts[0])
    assert data != texts[0]
    assert sshsig._parse_fast(data) is None
    expected = careful(data)
    assert isinstance(expected, str)  # every one of these is an error
    with pytest.raises(SignatureError) as info:
        parse_armored(data)
    assert str(info.value) == expected


def test_unusual_valid_input_takes_the_careful_path(texts: list[bytes]) -> None:
    text = texts[0]
    expected = parse_armored(text)
    pub, ns, _, hashalg, sig = fields(text)
    variants = [
        text.replace(b"\n", b"\r\n"),  # CRLF
        text.replace(b"\n", b"\r\n", 2).replace(b"\r\n", b"\n", 1),  # one base64 line ends in CRLF
        armor(build(pub, ns, b"r" * 70_000, hashalg, sig)),  # a length of 64 KiB or more
    ]
    for data in variants:
        assert sshsig._parse_fast(data) is None
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
