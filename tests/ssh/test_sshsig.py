"""Tests for statuskit.ssh.sshsig, cross-checked against ``ssh-keygen -Y``.

Keys are made by ``ssh-keygen`` (ed25519, ecdsa 256/384/521, rsa 3072); signatures go
both ways (ssh-keygen -> statuskit.verify, statuskit.sign -> ssh-keygen -Y verify), and a
corpus of tampered signatures must get the same verdict from both. The wire-format
helpers below are written independently of the module under test on purpose.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import random
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from statuskit.errors import SignatureError, SignatureMismatch
from statuskit.ssh import sshsig
from statuskit.ssh.sshsig import (
    SshSig,
    key_fingerprint,
    parse_armored,
    public_key_blob,
    public_key_line,
    sign,
    verify,
)

SSH_KEYGEN = shutil.which("ssh-keygen")
needs_ssh_keygen = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen is not installed")

KEY_SPECS = {
    "ed25519": ["-t", "ed25519"],
    "ecdsa256": ["-t", "ecdsa", "-b", "256"],
    "ecdsa384": ["-t", "ecdsa", "-b", "384"],
    "ecdsa521": ["-t", "ecdsa", "-b", "521"],
    "rsa3072": ["-t", "rsa", "-b", "3072"],
}
KEY_TYPES = {
    "ed25519": "ssh-ed25519",
    "ecdsa256": "ecdsa-sha2-nistp256",
    "ecdsa384": "ecdsa-sha2-nistp384",
    "ecdsa521": "ecdsa-sha2-nistp521",
    "rsa3072": "ssh-rsa",
}
NS = "statuskit-approval"
MESSAGE = (
    "statuskit-approval v1\nincident: 2024-07-31-scheduling-outage\nupdate: 3\n"
    f"digest: sha256:{'ab' * 32}\nteam: security\nmember: bob\n"
).encode()


# --------------------------------------------------------------------------
# Independent wire-format helpers
# --------------------------------------------------------------------------


def s(data: bytes | str) -> bytes:
    """SSH ``string``."""
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">I", len(data)) + data


def mp(value: int) -> bytes:
    """SSH ``mpint`` (non-negative)."""
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    if raw and raw[0] & 0x80:
        raw = b"\0" + raw
    return s(raw)


def split_strings(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        out.append(data[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return out


@dataclasses.dataclass
class Blob:
    """The fields of an SSHSIG blob, for building tampered variants."""

    public_key: bytes
    namespace: bytes
    reserved: bytes
    hash_algorithm: bytes
    signature: bytes
    magic: bytes = b"SSHSIG"
    version: int = 1
    trailer: bytes = b""

    @classmethod
    def from_armored(cls, text: str) -> "Blob":
        body = "".join(text.strip().splitlines()[1:-1])
        raw = base64.b64decode(body)
        assert raw[:6] == b"SSHSIG"
        (version,) = struct.unpack(">I", raw[6:10])
        pub, ns, reserved, hashalg, sig = split_strings(raw[10:])
        return cls(pub, ns, reserved, hashalg, sig, version=version)

    def encode(self) -> bytes:
        return (
            self.magic
            + struct.pack(">I", self.version)
            + s(self.public_key)
            + s(self.namespace)
            + s(self.reserved)
            + s(self.hash_algorithm)
            + s(self.signature)
            + self.trailer
        )

    def armored(self) -> str:
        return armor(self.encode())

    def replace(self, **changes: Any) -> "Blob":
        return dataclasses.replace(self, **changes)


def armor(blob: bytes, label: str = "SSH SIGNATURE", width: int = 70) -> str:
    b64 = base64.b64encode(blob).decode()
    lines = [b64[i : i + width] for i in range(0, len(b64), width)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n"


def signed_data(namespace: str, hashalg: str, message: bytes) -> bytes:
    digest = hashlib.new(hashalg, message).digest()
    return b"SSHSIG" + s(namespace) + s(b"") + s(hashalg) + s(digest)


def blob_key_type(blob: bytes) -> str:
    (n,) = struct.unpack(">I", blob[:4])
    return blob[4 : 4 + n].decode()


def allowed_line(blob: bytes) -> str:
    return f"{blob_key_type(blob)} {base64.b64encode(blob).decode()}"


def flip(data: bytes, index: int) -> bytes:
    b = bytearray(data)
    b[index] ^= 0x01
    return bytes(b)


# --------------------------------------------------------------------------
# ssh-keygen helpers and fixtures
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Key:
    name: str
    path: Path
    pub_line: str  # "<type> <base64> <comment>" as written by ssh-keygen
    blob: bytes
    private: Any  # the same key loaded with cryptography


_counter = itertools.count()


def _workdir(root: Path) -> Path:
    d = root / f"w{next(_counter)}"
    d.mkdir()
    return d


def keygen_sign(key: Key, namespace: str, message: bytes, root: Path, hashalg: str | None = None) -> str:
    d = _workdir(root)
    msg = d / "message"
    msg.write_bytes(message)
    cmd = [SSH_KEYGEN, "-Y", "sign", "-n", namespace, "-f", str(key.path)]
    if hashalg:
        cmd += ["-O", f"hashalg={hashalg}"]
    subprocess.run(cmd + [str(msg)], check=True, stdin=subprocess.DEVNULL, capture_output=True)
    return (d / "message.sig").read_text()


def keygen_verify(key_line: str, namespace: str, message: bytes, sig_text: str, root: Path) -> bool:
    """ssh-keygen's verdict, with the given key as the only allowed signer."""
    d = _workdir(root)
    (d / "allowed_signers").write_text(f"signer@example.com {key_line}\n")
    (d / "message.sig").write_text(sig_text)
    proc = subprocess.run(
        [SSH_KEYGEN, "-Y", "verify", "-f", str(d / "allowed_signers"), "-I", "signer@example.com",
         "-n", namespace, "-s", str(d / "message.sig")],
        input=message,
        capture_output=True,
    )
    return proc.returncode == 0


def our_verdict(text: str, message: bytes) -> bool:
    try:
        verify(parse_armored(text), message)
    except SignatureError:
        return False
    return True


@pytest.fixture(scope="session")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SSH_KEYGEN is None:
        pytest.skip("ssh-keygen is not installed")
    return tmp_path_factory.mktemp("sshkeys")


@pytest.fixture(scope="session")
def keys(keydir: Path) -> dict[str, Key]:
    """One ssh-keygen key of each supported kind (made once per session)."""
    out = {}
    for name, spec in KEY_SPECS.items():
        path = keydir / f"id_{name}"
        subprocess.run(
            [SSH_KEYGEN, "-q", *spec, "-N", "", "-C", f"{name}@test", "-f", str(path)],
            check=True, stdin=subprocess.DEVNULL, capture_output=True,
        )
        pub_line = (keydir / f"id_{name}.pub").read_text().strip()
        blob = base64.b64decode(pub_line.split()[1])
        private = serialization.load_ssh_private_key(path.read_bytes(), password=None)
        out[name] = Key(name, path, pub_line, blob, private)
    return out


@pytest.fixture(scope="session")
def other_keys() -> dict[str, Any]:
    """A second key of each kind (in-process), for key-swap cases."""
    return {
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "ecdsa256": ec.generate_private_key(ec.SECP256R1()),
        "ecdsa384": ec.generate_private_key(ec.SECP384R1()),
        "ecdsa521": ec.generate_private_key(ec.SECP521R1()),
        "rsa3072": rsa.generate_private_key(public_exponent=65537, key_size=3072),
    }


@pytest.fixture(scope="module")
def sample() -> tuple[ed25519.Ed25519PrivateKey, str]:
    """A deterministic in-process ed25519 signature over MESSAGE."""
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return key, sign(key, NS, MESSAGE)


def blob_of(private: Any) -> bytes:
    return base64.b64decode(public_key_line(private).split()[1])


# --------------------------------------------------------------------------
# Interop: ssh-keygen -> statuskit
# --------------------------------------------------------------------------


@needs_ssh_keygen
@pytest.mark.parametrize("hashalg", [None, "sha256", "sha512"])
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_ssh_keygen_signatures_verify(keys: dict[str, Key], tmp_path: Path, name: str, hashalg: str | None) -> None:
    key = keys[name]
    text = keygen_sign(key, NS, MESSAGE, tmp_path, hashalg)
    sig = parse_armored(text)
    assert sig.key_type == KEY_TYPES[name]
    assert sig.namespace == NS
    assert sig.hash_algorithm == (hashalg or "sha512")
    assert sig.public_key == key.blob == public_key_blob(key.pub_line)
    if name == "rsa3072":  # ssh-keygen always signs SSHSIG with rsa-sha2-512
        assert split_strings(sig.signature)[0] == b"rsa-sha2-512"
    assert verify(sig, MESSAGE) is None
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(sig, MESSAGE + b"\n")


# --------------------------------------------------------------------------
# Interop: statuskit -> ssh-keygen
# --------------------------------------------------------------------------


@needs_ssh_keygen
@pytest.mark.parametrize("hashalg", ["sha256", "sha512"])
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_sign_verifies_with_ssh_keygen(keys: dict[str, Key], tmp_path: Path, name: str, hashalg: str) -> None:
    key = keys[name]
    text = sign(key.private, NS, MESSAGE, hashalg)
    assert keygen_verify(key.pub_line, NS, MESSAGE, text, tmp_path)
    assert not keygen_verify(key.pub_line, NS, MESSAGE + b"x", text, tmp_path)
    assert not keygen_verify(key.pub_line, "other", MESSAGE, text, tmp_path)
    assert our_verdict(text, MESSAGE)


@needs_ssh_keygen
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_a_good_signature_over_other_bytes_is_a_mismatch(keys: dict[str, Key], tmp_path: Path, name: str) -> None:
    """ssh-keygen's signature over other bytes (an older version of an update) is SignatureMismatch, which
    the gate reports as a stale approval; a malformed one is a plain SignatureError."""
    text = keygen_sign(keys[name], NS, MESSAGE, tmp_path, None)
    with pytest.raises(SignatureMismatch, match="signature does not verify"):
        verify(parse_armored(text), MESSAGE + b"x")
    verify(parse_armored(text), MESSAGE)
    with pytest.raises(SignatureError) as exc:
        parse_armored(text.replace("-----END", "x-----END"))
    assert not isinstance(exc.value, SignatureMismatch)


@needs_ssh_keygen
@pytest.mark.parametrize("hashalg", [None, "sha256"])
@pytest.mark.parametrize("name", ["ed25519", "rsa3072"])
def test_sign_output_is_byte_identical_to_ssh_keygen(
    keys: dict[str, Key], tmp_path: Path, name: str, hashalg: str | None
) -> None:
    # Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic, so the files must match.
    key = keys[name]
    expected = keygen_sign(key, NS, MESSAGE, tmp_path, hashalg)
    assert sign(key.private, NS, MESSAGE, hashalg or "sha512") == expected


@needs_ssh_keygen
@pytest.mark.parametrize("name", ["ecdsa256", "ecdsa384", "ecdsa521"])
def test_sign_ecdsa_layout_matches_ssh_keygen(keys: dict[str, Key], name: str) -> None:
    text = sign(keys[name].private, NS, MESSAGE)
    lines = text.split("\n")
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----"
    assert lines[-2:] == ["-----END SSH SIGNATURE-----", ""]
    body = lines[1:-2]
    assert all(len(line) == 70 for line in body[:-1]) and 0 < len(body[-1]) <= 70


@needs_ssh_keygen
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_public_key_line_and_fingerprint_match_ssh_keygen(keys: dict[str, Key], name: str) -> None:
    key = keys[name]
    typ, b64, comment = key.pub_line.split()
    assert public_key_line(key.private) == f"{typ} {b64}"
    assert public_key_line(key.private, comment) == key.pub_line
    assert public_key_line(key.private.public_key()) == f"{typ} {b64}"
    assert public_key_line(key.private) == key.private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    listed = subprocess.run(
        [SSH_KEYGEN, "-l", "-E", "sha256", "-f", str(key.path) + ".pub"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    assert key_fingerprint(key.blob) == listed[1]


# --------------------------------------------------------------------------
# Verdicts match ssh-keygen's on a tampered corpus
# --------------------------------------------------------------------------


def _rsa_sig(private: rsa.RSAPrivateKey, sig_type: str, hash_alg: hashes.HashAlgorithm, data: bytes) -> bytes:
    return s(sig_type) + s(private.sign(data, padding.PKCS1v15(), hash_alg))


def corpus(key: Key, others: dict[str, Any], ed25519_text: str, original: str) -> list[tuple[str, str, bytes, str, bool]]:
    """(label, armored text, message, namespace, expected verdict)."""
    base = Blob.from_armored(original)
    other_same = blob_of(others[key.name])
    other_kind = blob_of(others["ecdsa256" if key.name == "ed25519" else "ed25519"])
    ed_sig = Blob.from_armored(ed25519_text).signature
    cases = [
        ("original", original, MESSAGE, NS, True),
        ("changed message", original, MESSAGE.replace(b"bob", b"eve"), NS, False),
        ("message with extra newline", original, MESSAGE + b"\n", NS, False),
        ("namespace changed in the blob", base.replace(namespace=b"git").armored(), MESSAGE, "git", False),
        ("hash_algorithm field changed", base.replace(hash_algorithm=b"sha256").armored(), MESSAGE, NS, False),
        ("last signature byte flipped", base.replace(signature=flip(base.signature, -1)).armored(), MESSAGE, NS, False),
        ("inner signature byte flipped", base.replace(signature=flip(base.signature, -10)).armored(), MESSAGE, NS, False),
        ("public key swapped (same type)", base.replace(public_key=other_same).armored(), MESSAGE, NS, False),
        ("public key swapped (other type)", base.replace(public_key=other_kind).armored(), MESSAGE, NS, False),
        # PROTOCOL.sshsig: "implementations should ignore the reserved field if it is not empty"
        ("non-empty reserved is ignored", base.replace(reserved=b"future").armored(), MESSAGE, NS, True),
    ]
    if key.name != "ed25519":
        cases.append(("ed25519 signature blob under this key", base.replace(signature=ed_sig).armored(), MESSAGE, NS, False))
    if key.name == "rsa3072":
        data = signed_data(NS, "sha512", MESSAGE)
        for label, sig_type, alg, expected in [
            ("rsa-sha2-256 signature", "rsa-sha2-256", hashes.SHA256(), True),
            ("rsa-sha2-512 signature", "rsa-sha2-512", hashes.SHA512(), True),
            ("legacy ssh-rsa (SHA-1) signature", "ssh-rsa", hashes.SHA1(), False),
            ("rsa-sha2-256 label on a SHA-512 signature", "rsa-sha2-256", hashes.SHA512(), False),
        ]:
            blob = base.replace(signature=_rsa_sig(key.private, sig_type, alg, data))
            cases.append((label, blob.armored(), MESSAGE, NS, expected))
    return cases


@needs_ssh_keygen
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_verdicts_match_ssh_keygen(keys: dict[str, Key], other_keys: dict[str, Any], tmp_path: Path, name: str) -> None:
    key = keys[name]
    original = keygen_sign(key, NS, MESSAGE, tmp_path)
    ed25519_text = keygen_sign(keys["ed25519"], NS, MESSAGE, tmp_path)
    results = []
    for label, text, message, namespace, expected in corpus(key, other_keys, ed25519_text, original):
        embedded = Blob.from_armored(text).public_key
        theirs = keygen_verify(allowed_line(embedded), namespace, message, text, tmp_path)
        ours = our_verdict(text, message)
        results.append((label, expected, ours, theirs))
    wrong = [r for r in results if not (r[1] == r[2] == r[3])]
    assert not wrong, "(case, expected, statuskit, ssh-keygen): " + repr(wrong)


def test_changed_namespace_in_sshsig_fails(sample: tuple[Any, str]) -> None:
    sig = parse_armored(sample[1])
    verify(sig, MESSAGE)
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(dataclasses.replace(sig, namespace="git"), MESSAGE)
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(dataclasses.replace(sig, hash_algorithm="sha256"), MESSAGE)


@needs_ssh_keygen
def test_git_commit_signature_parses_with_namespace_git(keys: dict[str, Key], tmp_path: Path) -> None:
    text = keygen_sign(keys["ed25519"], "git", b"tree 0123\nauthor x\n\ncommit\n", tmp_path)
    sig = parse_armored(text)
    assert sig.namespace == "git"  # the caller rejects it: it is not the approvals namespace
    verify(sig, b"tree 0123\nauthor x\n\ncommit\n")
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(dataclasses.replace(sig, namespace=NS), b"tree 0123\nauthor x\n\ncommit\n")


# --------------------------------------------------------------------------
# Security keys (sk-*): a fake authenticator, checked against ssh-keygen
# --------------------------------------------------------------------------

SK_ED = "sk-ssh-ed25519@openssh.com"
SK_EC = "sk-ecdsa-sha2-nistp256@openssh.com"


def fake_sk_signature(kind: str, *, flags: int = 0x01, counter: int = 42, message: bytes = MESSAGE,
                      app: bytes = b"ssh:") -> tuple[bytes, str]:
    """(public key blob, armored signature) made as a FIDO authenticator would (PROTOCOL.u2f)."""
    data = signed_data(NS, "sha512", message)
    to_sign = hashlib.sha256(app).digest() + bytes([flags]) + struct.pack(">I", counter) + hashlib.sha256(data).digest()
    if kind == SK_ED:
        priv = ed25519.Ed25519PrivateKey.generate()
        pub = s(SK_ED) + s(priv.public_key().public_bytes_raw()) + s(app)
        sig = s(SK_ED) + s(priv.sign(to_sign))
    else:
        priv = ec.generate_private_key(ec.SECP256R1())
        point = priv.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        pub = s(SK_EC) + s("nistp256") + s(point) + s(app)
        r, s_ = decode_dss_signature(priv.sign(to_sign, ec.ECDSA(hashes.SHA256())))
        sig = s(SK_EC) + s(mp(r) + mp(s_))
    sig += bytes([flags]) + struct.pack(">I", counter)
    return pub, Blob(pub, NS.encode(), b"", b"sha512", sig).armored()


@needs_ssh_keygen
@pytest.mark.parametrize("kind", [SK_ED, SK_EC])
def test_security_key_signatures_match_ssh_keygen(tmp_path: Path, kind: str) -> None:
    pub, text = fake_sk_signature(kind)
    sig = parse_armored(text)
    assert sig.key_type == kind
    assert public_key_blob(allowed_line(pub)) == pub
    assert keygen_verify(allowed_line(pub), NS, MESSAGE, text, tmp_path)
    verify(sig, MESSAGE)
    assert not keygen_verify(allowed_line(pub), NS, MESSAGE + b"x", text, tmp_path)
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(sig, MESSAGE + b"x")
    # Flags/counter are covered by the signature.
    tampered = dataclasses.replace(sig, signature=sig.signature[:-5] + bytes([0x05]) + sig.signature[-4:])
    with pytest.raises(SignatureError, match="^signature does not verify"):
        verify(tampered, MESSAGE)


@needs_ssh_keygen
@pytest.mark.parametrize("kind", [SK_ED, SK_EC])
def test_security_key_without_user_presence_is_refused(tmp_path: Path, kind: str) -> None:
    pub, text = fake_sk_signature(kind, flags=0x00)
    # Deliberately stricter than ssh-keygen (9.2 accepts it): an approval needs a touch.
    assert keygen_verify(allowed_line(pub), NS, MESSAGE, text, tmp_path)
    with pytest.raises(SignatureError, match="without user presence"):
        verify(parse_armored(text), MESSAGE)


@pytest.mark.parametrize("kind", [SK_ED, SK_EC])
def test_security_key_garbage_signature_never_passes(kind: str) -> None:
    pub, text = fake_sk_signature(kind)
    rng = random.Random(7)
    garbage = [
        b"",
        rng.randbytes(80),
        s(kind) + s(rng.randbytes(64)) + b"\x01" + struct.pack(">I", 1),  # well formed, wrong bytes
        s(kind) + s(mp(rng.getrandbits(255)) + mp(rng.getrandbits(255))) + b"\x01" + struct.pack(">I", 1),
        s(kind) + s(rng.randbytes(64)),  # flags and counter missing
        s(kind) + s(rng.randbytes(64)) + b"\x01" + struct.pack(">I", 1) + b"x",  # trailing byte
        s("ssh-ed25519") + s(rng.randbytes(64)),  # wrong signature type
    ]
    for blob in garbage:
        fake = SshSig(public_key=pub, key_type=kind, namespace=NS, hash_algorithm="sha512", signature=blob)
        with pytest.raises(SignatureError):
            verify(fake, MESSAGE)


# --------------------------------------------------------------------------
# Parse errors
# --------------------------------------------------------------------------


def _base(sample: tuple[Any, str]) -> Blob:
    return Blob.from_armored(sample[1])


PARSE_ERRORS: list[tuple[str, Callable[[tuple[Any, str]], str | bytes], str]] = [
    ("empty file", lambda smp: "", "the file is empty"),
    ("only newlines", lambda smp: b"\n\r\n", "the file is empty"),
    ("not armored", lambda smp: "hello, world\n", "missing '-----BEGIN SSH SIGNATURE-----'"),
    ("raw base64 without armor", lambda smp: base64.b64encode(_base(smp).encode()).decode(),
     "missing '-----BEGIN SSH SIGNATURE-----'"),
    ("leading blank line", lambda smp: "\n" + smp[1], "missing '-----BEGIN SSH SIGNATURE-----'"),
    ("pgp armor label", lambda smp: armor(_base(smp).encode(), "PGP SIGNATURE"),
     "armor label is 'PGP SIGNATURE', expected 'SSH SIGNATURE'"),
    ("private key armor label", lambda smp: armor(b"openssh-key-v1\0", "OPENSSH PRIVATE KEY"),
     "armor label is 'OPENSSH PRIVATE KEY'"),
    ("non-ASCII text", lambda smp: smp[1].replace("-----\n", "-----\u00e9\n", 1), "non-ASCII"),
    ("header without line end", lambda smp: smp[1].replace("-----\n", "-----", 1), "header is not followed by a line end"),
    ("no body", lambda smp: "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n", "no base64 data"),
    ("missing footer", lambda smp: smp[1].replace("-----END SSH SIGNATURE-----\n", ""), "missing '-----END SSH SIGNATURE-----'"),
    ("footer not on its own line", lambda smp: smp[1].replace("\n-----END", "-----END"), "missing '-----END SSH SIGNATURE-----'"),
    ("junk after footer", lambda smp: smp[1] + "junk\n", "unexpected data after '-----END SSH SIGNATURE-----'"),
    ("second signature after footer", lambda smp: smp[1] + smp[1], "unexpected data after"),
    ("extra blank line after footer", lambda smp: smp[1] + "\n", "unexpected data after"),
    ("garbage base64", lambda smp: smp[1].replace("\n", "\n!!notbase64!!\n", 1), r"line 2 is not base64: '!!notbase64!!'"),
    ("blank line inside the body", lambda smp: smp[1].replace("\n", "\n\n", 2).replace("\n\n", "\n", 1), "line 3 is not base64"),
    ("spaces inside the body", lambda smp: smp[1].replace("\n", "\n ", 1), "line 2 is not base64"),
    ("bad base64 padding", lambda smp: armor(b"x").replace("eA==", "eA="), "invalid base64"),
    ("non-canonical base64", lambda smp: armor(b"x").replace("eA==", "eB=="), "not canonically encoded"),
    ("padding in the middle", lambda smp: armor(b"x").replace("eA==", "eA==eA=="), "invalid base64"),
    ("wrong magic", lambda smp: _base(smp).replace(magic=b"SSHSIX").armored(), "magic is 'SSHSIX', expected 'SSHSIG'"),
    ("lowercase magic", lambda smp: _base(smp).replace(magic=b"sshsig").armored(), "magic is 'sshsig'"),
    ("openssh private key blob", lambda smp: armor(b"openssh-key-v1\0" + bytes(40)), "not an SSHSIG blob"),
    ("version 2", lambda smp: _base(smp).replace(version=2).armored(), "unsupported SSHSIG version 2"),
    ("version 0", lambda smp: _base(smp).replace(version=0).armored(), "unsupported SSHSIG version 0"),
    ("unknown hash algorithm", lambda smp: _base(smp).replace(hash_algorithm=b"sha1").armored(),
     "unsupported hash algorithm 'sha1'"),
    ("upper-case hash algorithm", lambda smp: _base(smp).replace(hash_algorithm=b"SHA512").armored(),
     "unsupported hash algorithm 'SHA512'"),
    ("empty hash algorithm", lambda smp: _base(smp).replace(hash_algorithm=b"").armored(), "unsupported hash algorithm ''"),
    ("trailing junk inside the blob", lambda smp: _base(smp).replace(trailer=b"\0\0\0").armored(),
     "malformed SSHSIG blob: 3 unexpected trailing bytes"),
    ("trailing string inside the blob", lambda smp: _base(smp).replace(trailer=s(b"extra")).armored(),
     "malformed SSHSIG blob: 9 unexpected trailing bytes"),
    ("empty namespace", lambda smp: _base(smp).replace(namespace=b"").armored(), "namespace is empty"),
    ("namespace not UTF-8", lambda smp: _base(smp).replace(namespace=b"\xff\xfe").armored(), "namespace is not UTF-8"),
    ("namespace with NUL", lambda smp: _base(smp).replace(namespace=b"ns\0x").armored(), "namespace contains a NUL"),
    ("empty signature", lambda smp: _base(smp).replace(signature=b"").armored(), "signature is empty"),
    ("empty public key", lambda smp: _base(smp).replace(public_key=b"").armored(), "truncated public key blob"),
    ("short ed25519 key", lambda smp: _base(smp).replace(public_key=s("ssh-ed25519") + s(bytes(31))).armored(),
     "ed25519 public key is 31 bytes, expected 32"),
    ("public key with trailing bytes", lambda smp: _base(smp).replace(public_key=_base(smp).public_key + b"\0").armored(),
     "malformed public key blob: 1 unexpected trailing bytes"),
    ("unprintable key type", lambda smp: _base(smp).replace(public_key=s(b"ssh\x01ed") + s(bytes(32))).armored(),
     "key type is not a printable name"),
    ("compressed EC point", lambda smp: _base(smp).replace(
        public_key=s("ecdsa-sha2-nistp256") + s("nistp256") + s(b"\x02" + bytes(32))).armored(),
     "not an uncompressed nistp256 point"),
    ("EC curve mismatch", lambda smp: _base(smp).replace(
        public_key=s("ecdsa-sha2-nistp256") + s("nistp384") + s(b"\x04" + bytes(96))).armored(),
     "curve 'nistp384' does not match key type 'ecdsa-sha2-nistp256'"),
    ("RSA modulus with a superfluous zero", lambda smp: _base(smp).replace(
        public_key=s("ssh-rsa") + mp(65537) + s(b"\0\x01" + bytes(200))).armored(),
     "RSA modulus has a superfluous leading zero byte"),
    ("negative RSA modulus", lambda smp: _base(smp).replace(
        public_key=s("ssh-rsa") + mp(65537) + s(b"\x81" + bytes(200))).armored(),
     "RSA modulus is negative"),
    ("huge length field", lambda smp: armor(b"SSHSIG" + struct.pack(">II", 1, 0xFFFFFFFF) + b"abc"),
     "truncated SSHSIG blob: publickey needs 4294967295 bytes, 3 left"),
]


@pytest.mark.parametrize("make, match", [(m, x) for _, m, x in PARSE_ERRORS], ids=[i for i, _, _ in PARSE_ERRORS])
def test_parse_errors(sample: tuple[Any, str], make: Callable[[tuple[Any, str]], str | bytes], match: str) -> None:
    data = make(sample)
    with pytest.raises(SignatureError, match=match) as info:
        parse_armored(data)
    assert "\n" not in str(info.value)  # one-line messages


def test_parse_accepts_the_tolerated_variants(sample: tuple[Any, str]) -> None:
    _, text = sample
    expected = parse_armored(text)
    assert parse_armored(text.encode()) == expected
    assert parse_armored(bytearray(text.encode())) == expected
    assert parse_armored(text.rstrip("\n")) == expected  # no final newline
    assert parse_armored(text.replace("\n", "\r\n")) == expected  # CRLF
    assert parse_armored(armor(_base(sample).encode(), width=76)) == expected  # other wrap width
    assert parse_armored(armor(_base(sample).encode(), width=10_000)) == expected  # one line


def test_non_empty_reserved_is_accepted_and_ignored(sample: tuple[Any, str]) -> None:
    sig = parse_armored(_base(sample).replace(reserved=b"tag=future").armored())
    assert sig == parse_armored(sample[1])
    verify(sig, MESSAGE)


def test_every_truncation_raises_signature_error(sample: tuple[Any, str]) -> None:
    blob = _base(sample).encode()
    for cut in range(len(blob)):
        with pytest.raises(SignatureError, match="^truncated SSHSIG blob" if cut else "no base64 data"):
            parse_armored(armor(blob[:cut]))
    text = sample[1]
    for cut in range(len(text) - 1):  # cutting only the final newline is allowed
        with pytest.raises(SignatureError):
            parse_armored(text[:cut])


@needs_ssh_keygen
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_every_signature_truncation_raises_in_verify(keys: dict[str, Key], name: str) -> None:
    sig = parse_armored(sign(keys[name].private, NS, MESSAGE))
    for cut in range(len(sig.signature)):
        with pytest.raises(SignatureError):
            verify(dataclasses.replace(sig, signature=sig.signature[:cut]), MESSAGE)


# --------------------------------------------------------------------------
# verify(): key types and hand-made SshSig values
# --------------------------------------------------------------------------


def test_unsupported_key_type_is_reported_not_accepted(sample: tuple[Any, str]) -> None:
    dss = s("ssh-dss") + mp(23) + mp(11) + mp(4) + mp(8)
    text = _base(sample).replace(public_key=dss).armored()
    sig = parse_armored(text)  # parses: the caller can report the key
    assert sig.key_type == "ssh-dss"
    with pytest.raises(SignatureError, match="unsupported key type 'ssh-dss'"):
        verify(sig, MESSAGE)
    cert = s("ssh-ed25519-cert-v01@openssh.com") + s(bytes(32))
    with pytest.raises(SignatureError, match="unsupported key type 'ssh-ed25519-cert-v01@openssh.com'"):
        verify(parse_armored(_base(sample).replace(public_key=cert).armored()), MESSAGE)


def test_hand_made_sshsig_is_checked(sample: tuple[Any, str]) -> None:
    sig = parse_armored(sample[1])
    with pytest.raises(SignatureError, match="key type 'ssh-rsa' does not match the public key"):
        verify(dataclasses.replace(sig, key_type="ssh-rsa"), MESSAGE)
    with pytest.raises(SignatureError, match="unsupported hash algorithm 'md5'"):
        verify(dataclasses.replace(sig, hash_algorithm="md5"), MESSAGE)
    with pytest.raises(SignatureError, match="namespace is empty"):
        verify(dataclasses.replace(sig, namespace=""), MESSAGE)
    with pytest.raises(SignatureError, match="ed25519 signature is 63 bytes"):
        verify(dataclasses.replace(sig, signature=s("ssh-ed25519") + s(bytes(63))), MESSAGE)
    with pytest.raises(SignatureError, match="signature type 'ecdsa-sha2-nistp256' does not match key type 'ssh-ed25519'"):
        verify(dataclasses.replace(sig, signature=s("ecdsa-sha2-nistp256") + s(mp(1) + mp(1))), MESSAGE)
    with pytest.raises(TypeError):
        verify(sig, MESSAGE.decode())  # type: ignore[arg-type]
    verify(sig, bytearray(MESSAGE))


def test_ecdsa_signature_encoding_is_strict() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    sig = parse_armored(sign(key, NS, MESSAGE))
    kind, inner = split_strings(sig.signature)
    r, s_ = split_strings(inner)
    r_int, s_int = int.from_bytes(r, "big"), int.from_bytes(s_, "big")
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 order
    variants = {
        "superfluous leading zero": s(kind) + s(s(b"\0" + r) + s(s_)),
        "trailing bytes in r,s": s(kind) + s(inner + b"\0"),
        "zero r": s(kind) + s(mp(0) + mp(s_int)),
        "r + n": s(kind) + s(mp(r_int + n) + mp(s_int)),
    }
    for label, blob in variants.items():
        with pytest.raises(SignatureError):
            verify(dataclasses.replace(sig, signature=blob), MESSAGE)
            pytest.fail(f"{label}: accepted")
    # The high-s twin is a valid ECDSA signature and accepted (as OpenSSL and OpenSSH do).
    verify(dataclasses.replace(sig, signature=s(kind) + s(mp(r_int) + mp(n - s_int))), MESSAGE)


def test_rsa_signature_types() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sig = parse_armored(sign(key, NS, MESSAGE))
    assert split_strings(sig.signature)[0] == b"rsa-sha2-512"
    data = signed_data(NS, "sha512", MESSAGE)
    verify(dataclasses.replace(sig, signature=_rsa_sig(key, "rsa-sha2-256", hashes.SHA256(), data)), MESSAGE)
    with pytest.raises(SignatureError, match=r"'ssh-rsa' \(SHA-1\) is not accepted"):
        verify(dataclasses.replace(sig, signature=_rsa_sig(key, "ssh-rsa", hashes.SHA1(), data)), MESSAGE)
    for other in ("rsa-sha2-384", "ssh-ed25519", "RSA-SHA2-512"):
        with pytest.raises(SignatureError, match=f"signature type '{other}' does not match key type 'ssh-rsa'"):
            verify(dataclasses.replace(sig, signature=_rsa_sig(key, other, hashes.SHA1(), data)), MESSAGE)
    # A signature shorter than the modulus is left-padded, as OpenSSH does; a longer one is refused.
    raw = split_strings(sig.signature)[1]
    if raw[0] == 0:
        verify(dataclasses.replace(sig, signature=s("rsa-sha2-512") + s(raw[1:])), MESSAGE)
    with pytest.raises(SignatureError, match="longer"):
        verify(dataclasses.replace(sig, signature=s("rsa-sha2-512") + s(b"\0" + raw)), MESSAGE)


def test_rsa_key_size_limits() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    verify(parse_armored(sign(key, NS, MESSAGE)), MESSAGE)  # 1024 bits: the OpenSSH minimum
    small = s("ssh-rsa") + mp(65537) + mp((1 << 767) + 1)
    with pytest.raises(SignatureError, match="unsupported RSA key size 768 bits"):
        public_key_blob("ssh-rsa " + base64.b64encode(small).decode())
    sig = parse_armored(sign(key, NS, MESSAGE))
    with pytest.raises(SignatureError, match="unsupported RSA key size 768 bits"):
        verify(dataclasses.replace(sig, public_key=small), MESSAGE)


def test_loaded_keys_are_cached(sample: tuple[Any, str]) -> None:
    sig = parse_armored(sample[1])
    verify(sig, MESSAGE)
    before = sshsig._load_key.cache_info().hits
    for _ in range(5):
        verify(sig, MESSAGE)
    assert sshsig._load_key.cache_info().hits >= before + 5


def test_sign_rejects_bad_arguments(sample: tuple[Any, str]) -> None:
    key = sample[0]
    with pytest.raises(ValueError):
        sign(key, "", MESSAGE)
    with pytest.raises(ValueError):
        sign(key, NS, MESSAGE, "sha1")
    with pytest.raises(TypeError):
        sign(key, NS, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sign(object(), NS, MESSAGE)


# --------------------------------------------------------------------------
# public_key_blob
# --------------------------------------------------------------------------


@needs_ssh_keygen
@pytest.mark.parametrize("name", list(KEY_SPECS))
def test_public_key_blob_accepts_ssh_keygen_lines(keys: dict[str, Key], name: str) -> None:
    key = keys[name]
    typ, b64, _comment = key.pub_line.split()
    assert public_key_blob(key.pub_line) == key.blob
    assert public_key_blob(f"{typ} {b64}") == key.blob
    assert public_key_blob(f"{typ}  {b64}  a comment with spaces\r\n") == key.blob
    assert public_key_blob(key.pub_line.encode()) == key.blob


def _ed_line() -> tuple[str, bytes]:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
    line = public_key_line(key, "me@example.com")
    return line, base64.b64decode(line.split()[1])


PUBKEY_ERRORS: list[tuple[str, Callable[[], str], str]] = [
    ("empty", lambda: "", "empty"),
    ("whitespace", lambda: "  \n", "empty"),
    ("type only", lambda: "ssh-ed25519", "missing base64 key"),
    ("options", lambda: "no-pty " + _ed_line()[0], "options are not allowed"),
    ("quoted options", lambda: 'command="echo hi",no-pty ' + _ed_line()[0], "options are not allowed"),
    ("allowed-signers line", lambda: "bob@example.com " + _ed_line()[0], "options are not allowed"),
    ("missing type", lambda: _ed_line()[0].split(" ", 1)[1], "missing key type"),
    ("unsupported type", lambda: "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "unsupported key type 'ssh-dss'"),
    ("certificate", lambda: "ssh-ed25519-cert-v01@openssh.com AAAA", "unsupported key type 'ssh-ed25519-cert-v01@openssh.com'"),
    ("bad base64", lambda: "ssh-ed25519 AAAA!!!! c", "invalid base64"),
    ("truncated base64", lambda: "ssh-ed25519 " + _ed_line()[0].split()[1][:-2], "invalid base64"),
    ("type mismatch", lambda: "ssh-rsa " + _ed_line()[0].split()[1],
     "the line says 'ssh-rsa' but the key inside is 'ssh-ed25519'"),
    ("ecdsa label on ed25519 key", lambda: "ecdsa-sha2-nistp256 " + _ed_line()[0].split()[1], "but the key inside is 'ssh-ed25519'"),
    ("truncated blob", lambda: "ssh-ed25519 " + base64.b64encode(_ed_line()[1][:-3]).decode(), "truncated public key blob"),
    ("trailing bytes in blob", lambda: "ssh-ed25519 " + base64.b64encode(_ed_line()[1] + b"\0").decode(),
     "1 unexpected trailing bytes"),
    ("two lines", lambda: _ed_line()[0] + "\n" + _ed_line()[0], "more than one line"),
    ("point not on curve", lambda: "ecdsa-sha2-nistp256 " + base64.b64encode(
        s("ecdsa-sha2-nistp256") + s("nistp256") + s(b"\x04" + bytes(63) + b"\x01")).decode(),
     "invalid ecdsa-sha2-nistp256 public key"),
]


@pytest.mark.parametrize("make, match", [(m, x) for _, m, x in PUBKEY_ERRORS], ids=[i for i, _, _ in PUBKEY_ERRORS])
def test_public_key_blob_errors(make: Callable[[], str], match: str) -> None:
    with pytest.raises(SignatureError, match=match):
        public_key_blob(make())


def test_key_fingerprint_format() -> None:
    _, blob = _ed_line()
    fp = key_fingerprint(blob)
    assert fp.startswith("SHA256:") and len(fp) == 7 + 43 and "=" not in fp


# --------------------------------------------------------------------------
# Fuzz-ish: random mutations never raise anything but SignatureError
# --------------------------------------------------------------------------


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        i = rng.randrange(len(b)) if b else 0
        if op == 0 and b:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[i] = rng.randrange(256)
        elif op == 2:
            b.insert(i, rng.randrange(256))
        elif op == 3 and b:
            del b[i]
        elif op == 4 and b:
            j = rng.randrange(i, len(b) + 1)
            b[i:i] = b[i:j]
        else:
            b = b[: rng.randrange(len(b) + 1)]
    return bytes(b)


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa256", "rsa"])
def test_random_mutations_only_raise_signature_error(kind: str) -> None:
    key = {
        "ed25519": lambda: ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32))),
        "ecdsa256": lambda: ec.generate_private_key(ec.SECP256R1()),
        "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }[kind]()
    text = sign(key, NS, MESSAGE).encode()
    original = parse_armored(text)
    blob = Blob.from_armored(text.decode()).encode()
    rng = random.Random(1)
    accepted = 0
    for round_ in range(600):
        # Half mutate the armored text, half the decoded blob (to reach the deeper parsers).
        data = _mutate(text, rng) if round_ % 2 == 0 else armor(_mutate(blob, rng)).encode()
        try:
            sig = parse_armored(data)
            verify(sig, MESSAGE)
        except SignatureError:
            continue
        # Whatever still verifies must be the same signature (e.g. a CR added before a LF).
        assert sig == original, data
        accepted += 1
    assert accepted < 60
