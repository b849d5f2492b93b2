"""Key pairs: per-user records, Nova's fingerprints, key generation and the quota, sans-IO.

Records are plain dicts of kind ``keypair`` keyed ``<user_id>/<name>`` and filed under the user (so one user's
pairs list cheaply). Fingerprints are computed as Nova's ``nova/crypto.py`` does: MD5 of the base64-decoded
OpenSSH key blob (colon-separated hex) for ``ssh`` keys, SHA-1 of the DER certificate for ``x509``.

Generated keys are real (RSA 2048, OpenSSH public key, traditional PEM private key) when the
``cryptography`` package happens to be importable; fakenova does not require it, and without it the keys
are well-formed look-alikes built from ``random_bytes``: the public key parses as OpenSSH, the fingerprint
is computed the same way, but the private key is not usable.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import textwrap
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import errors
from .ports import Store

KIND = "keypair"
RandomBytes = Callable[[int], bytes]
Keypair = Mapping[str, Any]

#: How many length-prefixed fields follow the type name in each OpenSSH public key blob we accept.
_BLOB_FIELDS: Mapping[str, int] = {
    "ssh-rsa": 2, "ssh-dss": 4, "ssh-ed25519": 1,
    "ecdsa-sha2-nistp256": 2, "ecdsa-sha2-nistp384": 2, "ecdsa-sha2-nistp521": 2,
}


class KeypairNotFound(errors.NotFound):
    msg_fmt = "Keypair {name} not found for user {user_id}"


class KeyPairExists(errors.Conflict):
    msg_fmt = "Key pair '{name}' already exists."


class KeypairLimitExceeded(errors.Forbidden):
    msg_fmt = "Quota exceeded, too many key pairs."


class InvalidKeypair(errors.BadRequest):
    msg_fmt = "Keypair data is invalid: {reason}"


class MarkerNotFound(errors.BadRequest):
    msg_fmt = "Marker {marker} could not be found."


def record_key(user_id: str, name: str) -> str:
    """The store key of one user's key pair."""
    return f"{user_id}/{name}"


# --- fingerprints -----------------------------------------------------------------------------------


def _colons(hexdigest: str) -> str:
    return ":".join(hexdigest[i:i + 2] for i in range(0, len(hexdigest), 2))


def _blob_fields(blob: bytes) -> List[bytes]:
    """Split an SSH wire-format blob into its length-prefixed fields; ValueError if it does not parse."""
    fields, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise ValueError("truncated length")
        (size,) = struct.unpack(">I", blob[offset:offset + 4])
        offset += 4
        if offset + size > len(blob):
            raise ValueError("truncated field")
        fields.append(blob[offset:offset + size])
        offset += size
    return fields


def _ssh_blob(public_key: str) -> bytes:
    """The decoded key blob of an OpenSSH public key line, checked as ``load_ssh_public_key`` would."""
    parts = public_key.split(" ")
    key_type = parts[0]
    blob = base64.b64decode(parts[1].strip(), validate=True)
    fields = _blob_fields(blob)
    expected = _BLOB_FIELDS.get(key_type)
    if expected is None or len(fields) != expected + 1 or fields[0] != key_type.encode():
        raise ValueError("not an OpenSSH public key")
    if key_type == "ssh-ed25519" and len(fields[1]) != 32:
        raise ValueError("bad ed25519 key")
    if key_type.startswith("ecdsa-") and fields[1] != key_type.rsplit("-", 1)[1].encode():
        raise ValueError("curve mismatch")
    return blob


def ssh_fingerprint(public_key: str) -> str:
    """Nova's ``generate_fingerprint``: MD5 of the key blob; 400 when the key does not parse."""
    try:
        blob = _ssh_blob(public_key)
    except (ValueError, IndexError, binascii.Error):
        raise InvalidKeypair(reason="failed to generate fingerprint") from None
    return _colons(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def _pem_body(pem: str, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    start, stop = pem.find(begin), pem.find(end)
    if start < 0 or stop < start:
        raise ValueError("Unable to load PEM file.")
    der = base64.b64decode("".join(pem[start + len(begin):stop].split()), validate=True)
    if len(der) < 4 or der[0] != 0x30:
        raise ValueError("Unable to load PEM file.")
    return der


def x509_fingerprint(certificate: str) -> str:
    """Nova's ``generate_x509_fingerprint``: SHA-1 of the DER certificate, colon-separated."""
    try:
        der = _pem_body(certificate, "CERTIFICATE")
    except (ValueError, binascii.Error) as exc:
        reason = f"failed to generate X509 fingerprint. Error message: {exc}"
        raise InvalidKeypair(reason=reason) from None
    return _colons(hashlib.sha1(der, usedforsecurity=False).hexdigest())


def fingerprint(public_key: str, key_type: str) -> str:
    """The fingerprint Nova stores for an imported key of ``key_type`` (``ssh`` or ``x509``)."""
    return x509_fingerprint(public_key) if key_type == "x509" else ssh_fingerprint(public_key)


# --- generation -------------------------------------------------------------------------------------


def _cryptography() -> Optional[Any]:
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return rsa


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _pem(label: str, der: bytes) -> str:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def _lookalike_rsa(random_bytes: RandomBytes) -> Tuple[str, str]:
    """(private PEM, OpenSSH public key) that parse like RSA 2048 keys but are random numbers."""
    modulus = bytearray(random_bytes(256))
    modulus[0] |= 0x80
    modulus[-1] |= 0x01
    blob = _ssh_string(b"ssh-rsa") + _ssh_string(b"\x01\x00\x01") + _ssh_string(b"\x00" + bytes(modulus))
    private = b"\x30\x82\x04\xa4\x02\x01\x00" + random_bytes(1185)
    return _pem("RSA PRIVATE KEY", private), "ssh-rsa " + base64.b64encode(blob).decode("ascii")


def _real_rsa(rsa: Any) -> Tuple[str, str]:
    from cryptography.hazmat.primitives import serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode("ascii")
    return private, public


def _real_x509(rsa: Any, common_name: str, now: float) -> Tuple[str, str]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start)
                   .not_valid_after(start + datetime.timedelta(days=3650)).sign(key, hashes.SHA256()))
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    return private, certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def generate(key_type: str, random_bytes: RandomBytes, common_name: str, now: float) -> Tuple[str, str, str]:
    """A new key: (private_key, public_key, fingerprint), as Nova's ``create_key_pair`` returns them.

    :param key_type: ``ssh`` (an RSA key whose public half ends in ``Generated-by-Nova``) or ``x509``.
    :param random_bytes: source of randomness for the look-alike keys (seeded by the app's id factory).
    :param common_name: the certificate subject for ``x509`` keys.
    """
    rsa = _cryptography()
    if key_type == "x509":
        if rsa is not None:
            private, public = _real_x509(rsa, common_name, now)
        else:
            private = _pem("PRIVATE KEY", b"\x30\x82\x04\xbe\x02\x01\x00" + random_bytes(1211))
            public = _pem("CERTIFICATE", b"\x30\x82\x02\xfa\x30\x82\x01\xe2" + random_bytes(758))
        return private, public, x509_fingerprint(public)
    private, public = _real_rsa(rsa) if rsa is not None else _lookalike_rsa(random_bytes)
    public = f"{public} Generated-by-Nova"
    return private, public, ssh_fingerprint(public)


# --- use cases --------------------------------------------------------------------------------------


def list_keypairs(store: Store, user_id: str, limit: Optional[int] = None,
                  marker: Optional[str] = None) -> List[Keypair]:
    """One user's key pairs ordered by name; after ``marker`` (a name) and at most ``limit`` when given."""
    pairs = sorted(store.list(KIND, user_id), key=lambda pair: pair["name"])
    if marker is not None:
        if store.get(KIND, record_key(user_id, marker)) is None:
            raise MarkerNotFound(marker=marker)
        pairs = [pair for pair in pairs if pair["name"] > marker]
    return pairs if limit is None else pairs[:limit]


def get_keypair(store: Store, user_id: str, name: str) -> Keypair:
    """One key pair, or 404 ``Keypair <name> not found for user <user_id>``."""
    pair = store.get(KIND, record_key(user_id, name))
    if pair is None:
        raise KeypairNotFound(name=name, user_id=user_id)
    return pair


def delete_keypair(store: Store, user_id: str, name: str) -> None:
    """Remove a key pair, or 404."""
    if not store.delete(KIND, record_key(user_id, name)):
        raise KeypairNotFound(name=name, user_id=user_id)


def create_keypair(store: Store, *, user_id: str, name: str, key_type: str, public_key: Optional[str],
                   quota: int, now: float,
                   make: Callable[[], Tuple[str, str, str]]) -> Tuple[Keypair, Optional[str]]:
    """Import ``public_key`` or generate a pair with ``make``; return (record, private key or None).

    Checks in Nova's order: the per-user quota (403), the key data (400), then the name (409). The checks
    and the insert run under the store's lock, so two concurrent creates cannot both pass; a key to
    generate is made before taking the lock (a real RSA key takes a while).
    """
    private_key = None
    generated = make() if public_key is None else None
    with store.atomically():
        if 0 <= quota <= len(store.list(KIND, user_id)):
            raise KeypairLimitExceeded()
        if generated is None:
            key_fingerprint = fingerprint(str(public_key), key_type)
        else:
            private_key, public_key, key_fingerprint = generated
        key = record_key(user_id, name)
        if store.get(KIND, key) is not None:
            raise KeyPairExists(name=name)
        record: Dict[str, Any] = {
            "id": store.next_counter(KIND), "name": name, "user_id": user_id, "type": key_type,
            "public_key": public_key, "fingerprint": key_fingerprint, "created_at": now,
        }
        store.put(KIND, key, record, project=user_id)
    return record, private_key
