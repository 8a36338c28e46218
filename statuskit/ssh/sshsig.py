"""Strict, in-process SSH signatures (OpenSSH ``PROTOCOL.sshsig``).

An approval is a detached ``ssh-keygen -Y sign`` signature. This module parses
the armored file, loads the embedded public key and checks the signature with
the ``cryptography`` package -- no ``ssh-keygen`` process per file, so
thousands of signatures verify per second.

The format (``PROTOCOL.sshsig``)::

    -----BEGIN SSH SIGNATURE-----
    base64(blob), wrapped (ssh-keygen wraps at 70 columns)
    -----END SSH SIGNATURE-----

    blob:        byte[6] "SSHSIG" | uint32 version (1) | string publickey
                 | string namespace | string reserved | string hash_algorithm
                 | string signature
    signed data: byte[6] "SSHSIG" | string namespace | string reserved
                 | string hash_algorithm | string H(message)

Decisions, where the protocol leaves room (each matches ``ssh-keygen -Y
verify`` unless said otherwise):

* **reserved** -- the protocol says implementations "should ignore the
  reserved field if it is not empty". A non-empty ``reserved`` in the blob is
  therefore accepted and ignored, and the signed data is always built with an
  *empty* reserved string, exactly as OpenSSH's ``sshsig.c`` does for both
  signing and verifying. (So the value is not kept in :class:`SshSig`.)
* **version** -- only version 1 is accepted. (OpenSSH also accepts 0; we are
  stricter.)
* **namespace** -- must be non-empty UTF-8 without NUL bytes. Whether it is the
  *expected* namespace is the caller's check; :func:`verify` uses the
  namespace stored in the :class:`SshSig`, so a changed namespace changes the
  signed data and fails.
* **armor** -- the file must start with the header; lines may end in LF or
  CRLF; one line ending after the footer is allowed and nothing else (OpenSSH
  ignores what follows the footer; we reject it). Base64 must be canonical.
* **RSA** -- signature types ``rsa-sha2-256`` and ``rsa-sha2-512`` only; the
  SHA-1 ``ssh-rsa`` type is refused, as OpenSSH does for SSHSIG. Moduli of
  1024..16384 bits, as OpenSSH.
* **mpints** (RSA key numbers, ECDSA r and s) must be minimally encoded and
  non-negative (RFC 4251 section 5); OpenSSH tolerates extra leading zeros.
* **security keys** -- ``sk-ssh-ed25519@openssh.com`` and
  ``sk-ecdsa-sha2-nistp256@openssh.com`` are verified per ``PROTOCOL.u2f``:
  the authenticator signed ``SHA256(application) || flags || counter ||
  SHA256(signed data)``. The user-presence flag (0x01) is also required: an
  approval must have been a deliberate touch. This is *stricter* than
  ``ssh-keygen -Y verify`` (OpenSSH 9.2 accepts SSHSIG signatures without
  it), so keys made with ``-O no-touch-required`` are refused. WebAuthn
  signatures and certificates are not supported and are reported as such.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import struct
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from statuskit.errors import SignatureError, SignatureMismatch

__all__ = [
    "SshSig",
    "parse_armored",
    "public_key_blob",
    "key_fingerprint",
    "line_fingerprint",
    "verify",
    "sign",
    "public_key_line",
]

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

_MAGIC = b"SSHSIG"
_VERSION = 1
_BEGIN = b"-----BEGIN SSH SIGNATURE-----"
_END = b"-----END SSH SIGNATURE-----"
_WRAP = 70  # ssh-keygen's sshbuf_dtob64() line width

_HASHES: dict[str, Callable[..., hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}

_ED25519 = "ssh-ed25519"
_RSA = "ssh-rsa"
_SK_ED25519 = "sk-ssh-ed25519@openssh.com"
_SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com"


class _Curve(NamedTuple):
    name: str  # SSH curve identifier, e.g. "nistp256"
    curve: type[ec.EllipticCurve]
    hash: type[hashes.HashAlgorithm]  # RFC 5656 section 6.2.1
    size: int  # field element size in bytes


_CURVES = {
    "nistp256": _Curve("nistp256", ec.SECP256R1, hashes.SHA256, 32),
    "nistp384": _Curve("nistp384", ec.SECP384R1, hashes.SHA384, 48),
    "nistp521": _Curve("nistp521", ec.SECP521R1, hashes.SHA512, 66),
}
_ECDSA_TYPES = {f"ecdsa-sha2-{name}": curve for name, curve in _CURVES.items()}
_CRYPTO_CURVE_NAMES = {"secp256r1": "nistp256", "secp384r1": "nistp384", "secp521r1": "nistp521"}

_RSA_SIG_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "rsa-sha2-256": hashes.SHA256,
    "rsa-sha2-512": hashes.SHA512,
}
_RSA_MIN_BITS = 1024  # OpenSSH SSH_RSA_MINIMUM_MODULUS_SIZE
_RSA_MAX_BITS = 16384  # OpenSSH SSHBUF_MAX_BIGNUM * 8

_SK_USER_PRESENT = 0x01  # PROTOCOL.u2f / FIDO "UP" flag

_SUPPORTED_KEY_TYPES = (_ED25519, *_ECDSA_TYPES, _RSA, _SK_ED25519, _SK_ECDSA)

_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_LABEL = re.compile(rb"-----BEGIN ([ -~]{0,40}?)-----")
_NAME = re.compile(r"[!-~]{1,64}")  # printable ASCII, no spaces


# --------------------------------------------------------------------------
# Public data type
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SshSig:
    """A parsed SSHSIG signature (not yet verified)."""

    public_key: bytes
    """The signer's public key in SSH wire format (compare byte-for-byte with registered keys)."""
    key_type: str
    """The key type named inside :attr:`public_key`, e.g. ``ssh-ed25519``."""
    namespace: str
    """The signature's namespace; the caller must check it is the expected one."""
    hash_algorithm: str
    """``sha256`` or ``sha512``: how the message was hashed before signing."""
    signature: bytes
    """The SSH signature blob: ``string sig-type, string sig-bytes`` (+ flags, counter for sk- keys)."""


# --------------------------------------------------------------------------
# Wire format helpers
# --------------------------------------------------------------------------


def _show(raw: bytes, limit: int = 40) -> str:
    """A short, printable rendering of untrusted bytes for error messages."""
    text = raw[:limit].decode("ascii", "backslashreplace")
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return repr(text + ("..." if len(raw) > limit else ""))


class _Reader:
    """Reads RFC 4251 data types from a byte string; every failure is a SignatureError."""

    __slots__ = ("_buf", "_pos", "_what")

    def __init__(self, buf: bytes, what: str) -> None:
        self._buf = buf
        self._pos = 0
        self._what = what

    def fail(self, problem: str) -> SignatureError:
        return SignatureError(f"malformed {self._what}: {problem}")

    def take(self, n: int, field: str) -> bytes:
        left = len(self._buf) - self._pos
        if n > left:
            raise SignatureError(
                f"truncated {self._what}: {field} needs {n} bytes, {left} left"
            )
        out = self._buf[self._pos : self._pos + n]
        self._pos += n
        return out

    def u8(self, field: str) -> int:
        return self.take(1, field)[0]

    def u32(self, field: str) -> int:
        return int.from_bytes(self.take(4, field), "big")

    def string(self, field: str) -> bytes:
        return self.take(self.u32(f"length of {field}"), field)

    def name(self, field: str) -> str:
        raw = self.string(field)
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not _NAME.fullmatch(text):
            raise self.fail(f"{field} is not a printable name: {_show(raw)}")
        return text

    def mpint(self, field: str) -> int:
        raw = self.string(field)
        if raw and raw[0] & 0x80:
            raise self.fail(f"{field} is negative")
        if raw and raw[0] == 0 and (len(raw) == 1 or not raw[1] & 0x80):
            raise self.fail(f"{field} has a superfluous leading zero byte")
        return int.from_bytes(raw, "big")

    def end(self) -> None:
        left = len(self._buf) - self._pos
        if left:
            raise self.fail(f"{left} unexpected trailing bytes")


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    if value < 0:
        raise ValueError("negative mpint")
    if value == 0:
        return _string(b"")
    # (bit_length + 8) // 8 leaves room for a 0x00 prefix exactly when the top bit is set.
    return _string(value.to_bytes((value.bit_length() + 8) // 8, "big"))


def _signed_data(namespace: bytes, hash_algorithm: str, message_hash: bytes) -> bytes:
    """PROTOCOL.sshsig section 3, with an empty reserved string as OpenSSH does."""
    return (
        _MAGIC
        + _string(namespace)
        + _string(b"")  # reserved
        + _string(hash_algorithm.encode("ascii"))
        + _string(message_hash)
    )


# --------------------------------------------------------------------------
# Public keys
# --------------------------------------------------------------------------


class _KeyFields(NamedTuple):
    key_type: str
    values: tuple[Any, ...]  # type-specific components (bytes / ints / the curve)


@functools.lru_cache(maxsize=4096)  # keys repeat across thousands of signatures; errors are not cached
def _parse_key_fields(blob: bytes) -> _KeyFields:
    """Structural parse of a wire-format public key (no cryptography).

    Known types are parsed completely (every field, no trailing bytes); for other
    types only the type name is read, so that :func:`verify` can name it.
    """
    r = _Reader(blob, "public key blob")
    key_type = r.name("key type")
    if key_type == _ED25519:
        pk = r.string("ed25519 public key")
        if len(pk) != 32:
            raise r.fail(f"ed25519 public key is {len(pk)} bytes, expected 32")
        r.end()
        return _KeyFields(key_type, (pk,))
    if key_type in _ECDSA_TYPES or key_type == _SK_ECDSA:
        expected = _ECDSA_TYPES.get(key_type) or _CURVES["nistp256"]
        curve_name = r.string("curve name")
        if curve_name != expected.name.encode():
            raise r.fail(f"curve {_show(curve_name)} does not match key type {key_type!r}")
        point = r.string("EC point")
        if len(point) != 1 + 2 * expected.size or point[0] != 0x04:
            raise r.fail(f"EC point is not an uncompressed {expected.name} point")
        values: tuple[Any, ...] = (expected, point)
        if key_type == _SK_ECDSA:
            values += (r.string("application"),)
        r.end()
        return _KeyFields(key_type, values)
    if key_type == _RSA:
        e = r.mpint("RSA exponent")
        n = r.mpint("RSA modulus")
        r.end()
        return _KeyFields(key_type, (e, n))
    if key_type == _SK_ED25519:
        pk = r.string("ed25519 public key")
        if len(pk) != 32:
            raise r.fail(f"ed25519 public key is {len(pk)} bytes, expected 32")
        app = r.string("application")
        r.end()
        return _KeyFields(key_type, (pk, app))
    return _KeyFields(key_type, ())


class _Key(NamedTuple):
    key_type: str
    key: Any  # a cryptography public key
    curve: _Curve | None
    application: bytes | None
    fingerprint: str


@functools.lru_cache(maxsize=4096)
def _load_key(blob: bytes) -> _Key:
    """Load (and cache) a wire-format public key as a ``cryptography`` key."""
    fields = _parse_key_fields(blob)
    kt, v = fields.key_type, fields.values
    fp = key_fingerprint(blob)
    key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
    try:
        if kt in (_ED25519, _SK_ED25519):
            key = ed25519.Ed25519PublicKey.from_public_bytes(v[0])
            return _Key(kt, key, None, v[1] if kt == _SK_ED25519 else None, fp)
        if kt in _ECDSA_TYPES or kt == _SK_ECDSA:
            curve = v[0]
            key = ec.EllipticCurvePublicKey.from_encoded_point(curve.curve(), v[1])
            return _Key(kt, key, curve, v[2] if kt == _SK_ECDSA else None, fp)
        if kt == _RSA:
            e, n = v
            if not _RSA_MIN_BITS <= n.bit_length() <= _RSA_MAX_BITS:
                raise SignatureError(
                    f"unsupported RSA key size {n.bit_length()} bits "
                    f"(expected {_RSA_MIN_BITS}..{_RSA_MAX_BITS})"
                )
            key = rsa.RSAPublicNumbers(e, n).public_key()
            return _Key(kt, key, None, None, fp)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SignatureError(f"invalid {kt} public key {fp}: {exc}") from None
    raise SignatureError(
        f"unsupported key type {kt!r} (supported: {', '.join(_SUPPORTED_KEY_TYPES)})"
    )


def key_fingerprint(blob: bytes) -> str:
    """Return OpenSSH's fingerprint of a wire-format public key, e.g. ``SHA256:2Ym...``."""
    digest = hashlib.sha256(bytes(blob)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def line_fingerprint(line: str) -> str:
    """``SHA256:<base64 without padding>`` of an OpenSSH public key line, as ``ssh-keygen -lf`` shows it
    (``(not a readable public key)`` for a line that is not one)."""
    try:
        return key_fingerprint(public_key_blob(line))
    except SignatureError:
        return "(not a readable public key)"


def _b64decode_strict(data: bytes, what: str) -> bytes:
    try:
        out = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"{what}: invalid base64 ({exc})") from None
    if base64.b64encode(out) != data:
        raise SignatureError(f"{what}: invalid base64 (not canonically encoded)")
    return out


def public_key_blob(openssh_public_key: str) -> bytes:
    """Parse an OpenSSH public key line into its wire-format blob.

    The line is ``<type> <base64> [comment]`` as in ``id_ed25519.pub`` or an
    authorized_keys file, but without options. The type on the line must equal
    the type inside the blob, the blob must be well formed with no trailing
    bytes, and the key must be of a supported type and mathematically valid
    (e.g. an EC point on its curve). Raises :class:`SignatureError` otherwise.
    """
    if isinstance(openssh_public_key, (bytes, bytearray)):
        try:
            openssh_public_key = bytes(openssh_public_key).decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureError("invalid public key line: not UTF-8") from None
    if not isinstance(openssh_public_key, str):
        raise TypeError("public_key_blob() takes a str")
    text = openssh_public_key.strip()
    if not text:
        raise SignatureError("invalid public key line: empty")
    if "\n" in text or "\r" in text:
        raise SignatureError("invalid public key line: more than one line")
    parts = text.split(None, 2)
    line_type = parts[0]
    if line_type not in _SUPPORTED_KEY_TYPES:
        if any(token in _SUPPORTED_KEY_TYPES for token in text.split()[1:]):
            raise SignatureError(
                "invalid public key line: authorized_keys options are not allowed; "
                "expected '<type> <base64> [comment]'"
            )
        if line_type.startswith("AAAA"):
            raise SignatureError(
                "invalid public key line: missing key type; expected '<type> <base64> [comment]'"
            )
        raise SignatureError(
            f"invalid public key line: unsupported key type {line_type[:64]!r} "
            f"(supported: {', '.join(_SUPPORTED_KEY_TYPES)})"
        )
    if len(parts) < 2:
        raise SignatureError(
            "invalid public key line: missing base64 key; expected '<type> <base64> [comment]'"
        )
    blob = _b64decode_strict(parts[1].encode("ascii", "replace"), "invalid public key line")
    fields = _parse_key_fields(blob)
    if fields.key_type != line_type:
        raise SignatureError(
            f"invalid public key line: the line says {line_type!r} "
            f"but the key inside is {fields.key_type!r}"
        )
    _load_key(blob)  # full validation (point on curve, RSA size, ...)
    return blob


def _public_blob_of(key: Any) -> bytes:
    """Wire-format blob of a ``cryptography`` public (or private) key."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return _string(_ED25519.encode()) + _string(raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        name = _CRYPTO_CURVE_NAMES.get(key.curve.name)
        if name is None:
            raise TypeError(f"unsupported elliptic curve {key.curve.name}")
        point = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _string(f"ecdsa-sha2-{name}".encode()) + _string(name.encode()) + _string(point)
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        return _string(_RSA.encode()) + _mpint(nums.e) + _mpint(nums.n)
    raise TypeError(f"unsupported key object {type(key).__name__}")


def public_key_line(private_key: Any, comment: str = "") -> str:
    """Return the OpenSSH public key line (``<type> <base64> [comment]``) of a key.

    Takes a ``cryptography`` Ed25519, EC (P-256/384/521) or RSA private key (a
    public key works too).
    """
    blob = _public_blob_of(private_key)
    key_type = _Reader(blob, "public key blob").name("key type")
    line = f"{key_type} {base64.b64encode(blob).decode('ascii')}"
    return f"{line} {comment}" if comment else line


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def _dearmor(raw: bytes) -> bytes:
    """PROTOCOL.sshsig section 1: strip the armor and decode the base64 body."""
    # Check 1.1: the file starts with the header line.
    if not raw.strip():
        raise SignatureError("not an SSH signature: the file is empty")
    if not raw.startswith(_BEGIN):
        label = _LABEL.match(raw)
        if label:
            raise SignatureError(
                f"not an SSH signature: armor label is {_show(label.group(1))}, "
                "expected 'SSH SIGNATURE'"
            )
        raise SignatureError(f"not an SSH signature: missing '{_BEGIN.decode()}'")
    rest = raw[len(_BEGIN) :]
    if rest.startswith(b"\r\n"):
        rest = rest[2:]
    elif rest.startswith(b"\n"):
        rest = rest[1:]
    else:
        raise SignatureError("malformed SSH signature armor: header is not followed by a line end")
    if rest.startswith(_END):
        raise SignatureError("malformed SSH signature armor: no base64 data between the armor lines")
    # Check 1.2: the footer follows a newline; at most one line end after it.
    end_at = rest.find(b"\n" + _END)
    if end_at < 0:
        raise SignatureError(f"malformed SSH signature armor: missing '{_END.decode()}'")
    tail = rest[end_at + 1 + len(_END) :]
    if tail not in (b"", b"\n", b"\r\n"):
        raise SignatureError(
            f"malformed SSH signature armor: unexpected data after '{_END.decode()}'"
        )
    # Check 1.3: the body is only base64 lines (LF or CRLF), canonically encoded.
    lines = []
    for number, line in enumerate(rest[:end_at].split(b"\n"), start=2):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not _B64_LINE.fullmatch(line):
            raise SignatureError(
                f"malformed SSH signature armor: line {number} is not base64: {_show(line)}"
            )
        lines.append(line)
    return _b64decode_strict(b"".join(lines), "malformed SSH signature armor")


def parse_armored(data: bytes | str) -> SshSig:
    """Parse an armored SSH signature (``-----BEGIN SSH SIGNATURE-----``) strictly.

    Checks the armor, the base64, the magic preamble, that the version is 1, that
    every field is complete with no trailing bytes, that the public key is well
    formed, that the namespace is non-empty UTF-8, and that the hash algorithm is
    ``sha256`` or ``sha512``. A non-empty reserved field is accepted and ignored
    (PROTOCOL.sshsig). Does *not* verify the signature (see :func:`verify`) nor
    check the namespace against an expected value (the caller's job).

    Raises :class:`SignatureError` with a one-line reason on any problem.
    """
    if type(data) is bytes:
        raw = data
    elif isinstance(data, str):
        try:
            raw = data.encode("ascii")
        except UnicodeEncodeError:
            raise SignatureError("not an SSH signature: contains non-ASCII characters") from None
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise TypeError("parse_armored() takes bytes or str")
    return _parse_careful(raw)


def _parse_careful(raw: bytes) -> SshSig:
    """:func:`parse_armored` step by step, naming the first problem found."""
    # Checks 1.x: armor and base64.
    blob = _dearmor(raw)

    # PROTOCOL.sshsig section 2, the blob.
    r = _Reader(blob, "SSHSIG blob")
    # Check 2.1: byte[6] MAGIC_PREAMBLE "SSHSIG".
    magic = blob[: len(_MAGIC)]
    if magic != _MAGIC[: len(magic)] or not blob:
        raise SignatureError(f"not an SSHSIG blob: magic is {_show(magic)}, expected 'SSHSIG'")
    r.take(len(_MAGIC), "magic preamble")
    # Check 2.2: uint32 SIG_VERSION; reject versions we do not support.
    version = r.u32("version")
    if version != _VERSION:
        raise SignatureError(f"unsupported SSHSIG version {version} (only version 1 is supported)")
    # Check 2.3: string publickey, in SSH wire format.
    public_key = r.string("publickey")
    key_type = _parse_key_fields(public_key).key_type
    # Check 2.4: string namespace; MUST NOT be empty.
    raw_ns = r.string("namespace")
    try:
        namespace = raw_ns.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError(f"malformed SSHSIG blob: namespace is not UTF-8: {_show(raw_ns)}") from None
    if not namespace:
        raise SignatureError("malformed SSHSIG blob: namespace is empty")
    if "\0" in namespace:
        raise SignatureError("malformed SSHSIG blob: namespace contains a NUL byte")
    # Check 2.5: string reserved; "implementations should ignore [it] if it is not empty".
    r.string("reserved")
    # Check 2.6: string hash_algorithm; "sha256" or "sha512".
    raw_hash = r.string("hash_algorithm")
    hash_algorithm = raw_hash.decode("ascii", "replace")
    if hash_algorithm not in _HASHES:
        raise SignatureError(
            f"unsupported hash algorithm {_show(raw_hash)} (expected sha256 or sha512)"
        )
    # Check 2.7: string signature (its inside is checked by verify()).
    signature = r.string("signature")
    if not signature:
        raise SignatureError("malformed SSHSIG blob: signature is empty")
    # Check 2.8: nothing after the signature.
    r.end()
    return SshSig(public_key, key_type, namespace, hash_algorithm, signature)


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------


_ED25519_SIG_PREFIX = _string(_ED25519.encode("ascii")) + struct.pack(">I", 64)
_ED25519_SIG_LEN = len(_ED25519_SIG_PREFIX) + 64  # string "ssh-ed25519", string signature(64)


@functools.lru_cache(maxsize=256)
def _signed_prefix(namespace: str, hash_algorithm: str) -> bytes:
    """The signed data up to H(message)'s bytes: ``_signed_data(ns, alg, h) == _signed_prefix(ns, alg) + h``."""
    return (
        _MAGIC
        + _string(namespace.encode("utf-8"))
        + _string(b"")  # reserved
        + _string(hash_algorithm.encode("ascii"))
        + struct.pack(">I", _HASHES[hash_algorithm]().digest_size)  # length of the string H(message)
    )


def _failed(key: _Key) -> str:
    return f"signature does not verify ({key.key_type} key {key.fingerprint})"


def _expect_sig_type(sig_type: str, key: _Key) -> None:
    if sig_type != key.key_type:
        raise SignatureError(
            f"signature type {sig_type!r} does not match key type {key.key_type!r}"
        )


def _ecdsa_der(inner: bytes) -> bytes:
    """RFC 5656 section 3.1.2: ``mpint r, mpint s`` -> DER for cryptography."""
    ir = _Reader(inner, "ECDSA signature")
    r_val = ir.mpint("r")
    s_val = ir.mpint("s")
    ir.end()
    if r_val == 0 or s_val == 0:
        raise SignatureError("signature does not verify (ECDSA r or s is zero)")
    return encode_dss_signature(r_val, s_val)


def _sk_signed(key: _Key, flags: int, counter: int, data: bytes) -> bytes:
    """PROTOCOL.u2f: what the authenticator signed."""
    assert key.application is not None
    return (
        hashlib.sha256(key.application).digest()
        + bytes([flags])
        + struct.pack(">I", counter)
        + hashlib.sha256(data).digest()
    )


def verify(sig: SshSig, message: bytes) -> None:
    """Verify that ``sig`` is a valid signature over ``message`` by ``sig.public_key``.

    ``message`` is the full message (not its hash). The signed data is rebuilt
    per PROTOCOL.sshsig section 3 from ``sig.namespace``, an empty reserved
    string, ``sig.hash_algorithm`` and ``H(message)``. Supported: ssh-ed25519,
    ecdsa-sha2-nistp256/384/521, ssh-rsa with rsa-sha2-256/512 signatures, and
    sk-ssh-ed25519 / sk-ecdsa-sha2-nistp256 security keys (user presence
    required). The signature type must match the key type.

    Returns None on success; raises :class:`SignatureError` otherwise, naming an
    unsupported key type rather than accepting it. Checking that the namespace
    and key are the expected ones is the caller's job.
    """
    if not isinstance(sig, SshSig):
        raise TypeError("verify() takes an SshSig")
    if type(message) is not bytes:
        if isinstance(message, (bytearray, memoryview)):
            message = bytes(message)
        if not isinstance(message, bytes):
            raise TypeError("verify() takes the message as bytes")

    # Check 3.1: hash algorithm and namespace (also for hand-made SshSig values).
    hasher = _HASHES.get(sig.hash_algorithm)
    if hasher is None:
        raise SignatureError(
            f"unsupported hash algorithm {sig.hash_algorithm!r} (expected sha256 or sha512)"
        )
    if not sig.namespace or "\0" in sig.namespace:
        raise SignatureError("malformed SSH signature: namespace is empty or contains NUL")

    # Check 3.2: load the public key (cached); unsupported types are reported here.
    key = _load_key(bytes(sig.public_key))
    if sig.key_type != key.key_type:
        raise SignatureError(
            f"key type {sig.key_type!r} does not match the public key ({key.key_type!r})"
        )

    # Check 3.3: rebuild the signed data: MAGIC, namespace, reserved, hash, H(message).
    data = _signed_prefix(sig.namespace, sig.hash_algorithm) + hasher(message).digest()

    # Check 3.4: parse the SSH signature blob; its type must match the key type.
    signature = bytes(sig.signature)
    if (
        key.key_type == _ED25519
        and len(signature) == _ED25519_SIG_LEN
        and signature[: len(_ED25519_SIG_PREFIX)] == _ED25519_SIG_PREFIX
    ):
        # The common case, taken apart exactly as the ed25519 branch below would.
        try:
            key.key.verify(signature[len(_ED25519_SIG_PREFIX) :], data)
        except InvalidSignature:
            raise SignatureMismatch(_failed(key)) from None
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise SignatureError(f"{_failed(key)}: {exc}") from None
        return
    r = _Reader(signature, "signature blob")
    sig_type = r.name("signature type")
    failed = _failed(key)
    try:
        if key.key_type == _ED25519:
            # draft-ietf-curdle-ssh-ed25519: string "ssh-ed25519", string signature(64)
            _expect_sig_type(sig_type, key)
            raw = r.string("ed25519 signature")
            r.end()
            if len(raw) != 64:
                raise r.fail(f"ed25519 signature is {len(raw)} bytes, expected 64")
            key.key.verify(raw, data)
        elif key.key_type in _ECDSA_TYPES:
            # RFC 5656 3.1.2: string type, string (mpint r, mpint s); hash per curve.
            _expect_sig_type(sig_type, key)
            der = _ecdsa_der(r.string("ECDSA signature"))
            r.end()
            assert key.curve is not None
            key.key.verify(der, data, ec.ECDSA(key.curve.hash()))
        elif key.key_type == _RSA:
            # RFC 8332: rsa-sha2-256 / rsa-sha2-512 only; "ssh-rsa" (SHA-1) is refused.
            if sig_type == "ssh-rsa":
                raise SignatureError(
                    "RSA signature type 'ssh-rsa' (SHA-1) is not accepted for SSH "
                    "signatures; expected rsa-sha2-256 or rsa-sha2-512"
                )
            hash_cls = _RSA_SIG_HASHES.get(sig_type)
            if hash_cls is None:
                raise SignatureError(
                    f"signature type {sig_type!r} does not match key type 'ssh-rsa'"
                )
            raw = r.string("RSA signature")
            r.end()
            modulus_len = (key.key.key_size + 7) // 8
            if len(raw) > modulus_len:
                raise r.fail(f"RSA signature is longer ({len(raw)} bytes) than the modulus")
            raw = raw.rjust(modulus_len, b"\0")  # OpenSSH pads short signatures
            key.key.verify(raw, data, padding.PKCS1v15(), hash_cls())
        elif key.key_type == _SK_ED25519:
            # PROTOCOL.u2f: string type, string signature(64), byte flags, uint32 counter.
            _expect_sig_type(sig_type, key)
            raw = r.string("ed25519 signature")
            flags = r.u8("flags")
            counter = r.u32("counter")
            r.end()
            if len(raw) != 64:
                raise r.fail(f"ed25519 signature is {len(raw)} bytes, expected 64")
            key.key.verify(raw, _sk_signed(key, flags, counter, data))
            if not flags & _SK_USER_PRESENT:
                raise SignatureError("security-key signature was made without user presence")
        elif key.key_type == _SK_ECDSA:
            # PROTOCOL.u2f: string type, string (mpint r, mpint s), byte flags, uint32 counter.
            _expect_sig_type(sig_type, key)
            der = _ecdsa_der(r.string("ECDSA signature"))
            flags = r.u8("flags")
            counter = r.u32("counter")
            r.end()
            key.key.verify(der, _sk_signed(key, flags, counter, data), ec.ECDSA(hashes.SHA256()))
            if not flags & _SK_USER_PRESENT:
                raise SignatureError("security-key signature was made without user presence")
        else:  # pragma: no cover - _load_key only returns the types above
            raise SignatureError(f"unsupported key type {key.key_type!r}")
    except InvalidSignature:
        raise SignatureMismatch(failed) from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SignatureError(f"{failed}: {exc}") from None


# --------------------------------------------------------------------------
# Signing (tests and benchmarks)
# --------------------------------------------------------------------------


def _armor(blob: bytes) -> str:
    b64 = base64.b64encode(blob).decode("ascii")
    lines = [b64[i : i + _WRAP] for i in range(0, len(b64), _WRAP)]
    return "\n".join([_BEGIN.decode(), *lines, _END.decode()]) + "\n"


def sign(private_key: Any, namespace: str, message: bytes, hash_algorithm: str = "sha512") -> str:
    """Sign ``message`` in-process and return the armored text ``ssh-keygen -Y sign`` would write.

    ``private_key`` is a ``cryptography`` Ed25519PrivateKey, EllipticCurvePrivateKey
    (P-256/384/521) or RSAPrivateKey (signed with rsa-sha2-512, as ssh-keygen
    does). For Ed25519 and RSA the output is byte-identical to ssh-keygen's.
    Meant for tests and benchmarks; approvals are signed with ssh-keygen.
    """
    if not isinstance(namespace, str) or not namespace or "\0" in namespace:
        raise ValueError("namespace must be a non-empty string without NUL")
    hasher = _HASHES.get(hash_algorithm)
    if hasher is None:
        raise ValueError(f"hash_algorithm must be sha256 or sha512, not {hash_algorithm!r}")
    if isinstance(message, (bytearray, memoryview)):
        message = bytes(message)
    if not isinstance(message, bytes):
        raise TypeError("sign() takes the message as bytes")

    ns = namespace.encode("utf-8")
    data = _signed_data(ns, hash_algorithm, hasher(message).digest())
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        sig_blob = _string(_ED25519.encode()) + _string(private_key.sign(data))
    elif isinstance(private_key, ec.EllipticCurvePrivateKey):
        name = _CRYPTO_CURVE_NAMES.get(private_key.curve.name)
        if name is None:
            raise TypeError(f"unsupported elliptic curve {private_key.curve.name}")
        curve = _CURVES[name]
        r_val, s_val = decode_dss_signature(private_key.sign(data, ec.ECDSA(curve.hash())))
        sig_blob = _string(f"ecdsa-sha2-{name}".encode()) + _string(_mpint(r_val) + _mpint(s_val))
    elif isinstance(private_key, rsa.RSAPrivateKey):
        raw = private_key.sign(data, padding.PKCS1v15(), hashes.SHA512())
        sig_blob = _string(b"rsa-sha2-512") + _string(raw)
    else:
        raise TypeError(f"unsupported private key {type(private_key).__name__}")

    blob = (
        _MAGIC
        + struct.pack(">I", _VERSION)
        + _string(_public_blob_of(private_key))
        + _string(ns)
        + _string(b"")  # reserved
        + _string(hash_algorithm.encode("ascii"))
        + _string(sig_blob)
    )
    return _armor(blob)
