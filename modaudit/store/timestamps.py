"""RFC 3161 time-stamp requests and tokens (rfc3161-client), and the manifests they cover.

Pure functions, no network: the request sent to a Time-Stamp Authority, the response checked
(status, signature, certificate chain to the configured roots, message imprint), and the text
an anchor time-stamps. docs/architecture.md §3 (anchors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

# One manifest line per chain element: "<sha256>  <position>.json", the format `sha256sum -c`
# reads, so an exported package checks with standard tools.
NAME_WIDTH = 8
# How far a stored time may sit from a token's genTime when the TSA states no accuracy: the
# store keeps the genTime itself, so anything beyond rounding means the stored time was changed.
DEFAULT_ACCURACY = timedelta(seconds=1)


class TokenError(Exception):
    """A time-stamp response that is not a valid token for the data."""


def element_file(position: int) -> str:
    """The file name of the chain element at this position (1-based) in an export."""
    return f"{position:0{NAME_WIDTH}d}.json"


def manifest(hashes: list[str], first: int) -> str:
    """The text an anchor time-stamps: the hashes of positions first.. in `sha256sum` format."""
    return "".join(f"{h}  {element_file(first + i)}\n" for i, h in enumerate(hashes))


def manifest_entries(text: str) -> list[tuple[int, str]]:
    """(position, hash) of each line of a manifest; TokenError on a malformed line."""
    entries = []
    for line in text.splitlines():
        hash_, _, name = line.partition("  ")
        if len(hash_) != 64 or not name.endswith(".json") or not name[:-5].isdigit():
            raise TokenError(f"malformed manifest line {line[:90]!r}")
        entries.append((int(name[:-5]), hash_))
    return entries


def request_for(data: bytes) -> bytes:
    """A DER TimeStampReq for `data` (SHA-256 imprint, a nonce, the TSA's certificate asked)."""
    request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
               .nonce(nonce=True).cert_request(cert_request=True).build())
    return request.as_bytes()


def load_certificates(path: str | Path) -> list[x509.Certificate]:
    """The PEM certificates in a file (the TSA's root, and intermediates if any)."""
    return x509.load_pem_x509_certificates(Path(path).read_bytes())


def verify_token(token: bytes, data: bytes, roots: list[x509.Certificate]) -> datetime:
    """Check a TimeStampResp over `data` against `roots`; return its genTime (UTC).

    Raises TokenError naming what failed: not granted, signature or chain, or the imprint.
    """
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise TokenError(f"not a time-stamp response ({exc})") from None
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TokenError(f"the TSA refused: status {response.status}")
    if not roots:
        raise TokenError("no trusted TSA root certificate to check the signature with")
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TokenError(f"token does not verify: {exc}") from None
    gen_time = response.tst_info.gen_time
    return gen_time if gen_time.tzinfo else gen_time.replace(tzinfo=UTC)


def response_status(token: bytes) -> tuple[int, str]:
    """(PKI status, the TSA's status text) of a response, to say why a TSA refused."""
    response = decode_timestamp_response(token)
    return response.status, "; ".join(response.status_string or [])


def embedded_certificates(token: bytes) -> list[x509.Certificate]:
    """The certificates a token carries (the TSA's own, as asked by the request)."""
    response = decode_timestamp_response(token)
    return [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]


@dataclass(frozen=True)
class TokenTime:
    """The time a token itself states (genTime, UTC) and the accuracy its TSA claims for it."""

    gen_time: datetime
    accuracy: timedelta | None

    @property
    def tolerance(self) -> timedelta:
        """How far another record of this time may differ: the stated accuracy, or a second."""
        return self.accuracy if self.accuracy is not None else DEFAULT_ACCURACY


def token_time(token: bytes) -> TokenTime:
    """The genTime and accuracy inside a TimeStampResp (read, not verified: see verify_token)."""
    try:
        info = decode_timestamp_response(token).tst_info
    except ValueError as exc:
        raise TokenError(f"not a time-stamp response ({exc})") from None
    gen_time = info.gen_time if info.gen_time.tzinfo else info.gen_time.replace(tzinfo=UTC)
    stated = info.accuracy
    accuracy = None if stated is None else timedelta(
        seconds=stated.seconds or 0, milliseconds=stated.millis or 0,
        microseconds=stated.micros or 0)
    return TokenTime(gen_time, accuracy)
