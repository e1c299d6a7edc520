"""A test certificate authority and Time-Stamp Authority certificate, made at run time.

For the loopback TSA (sandbox/tsa.py) only: a self-signed root and a TSA certificate whose
extended key usage is timeStamping, marked critical (RFC 3161 §2.3), plus the `openssl ts`
configuration that signs with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

POLICY = "1.3.6.1.4.1.99999.3161.1"  # a private-arc placeholder: the test TSA's policy
OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = {policy}
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass(frozen=True)
class TestAuthority:
    """Where the test CA's files are: root, TSA certificate and key, openssl configuration."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        """The root certificate (PEM): what `[timestamp] ca_file` names."""
        return self.directory / "ca.pem"

    @property
    def tsa_cert(self) -> Path:
        """The TSA's signing certificate (PEM)."""
        return self.directory / "tsa.pem"

    @property
    def config(self) -> Path:
        """The `openssl ts -reply` configuration."""
        return self.directory / "openssl-tsa.cnf"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "TR"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "modaudit test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_authority(directory: str | Path, now: datetime | None = None) -> TestAuthority:
    """Create a root CA and a TSA certificate under `directory` (keys owner-only)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    start, end = now - timedelta(days=3650), now + timedelta(days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(_name("modaudit test root"))
               .issuer_name(_name("modaudit test root")).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start)
               .not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                            False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                              critical=False)
               .sign(ca_key, hashes.SHA256()))
    tsa_cert = (x509.CertificateBuilder().subject_name(_name("modaudit test TSA"))
                .issuer_name(ca_cert.subject).public_key(tsa_key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start)
                .not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                             False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                               critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (directory / "tsa.pem").write_bytes(tsa_cert.public_bytes(pem))
    key_path = directory / "tsa.key"
    key_path.touch(mode=0o600)
    key_path.write_bytes(tsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    (directory / "serial").write_text("01\n")
    authority = TestAuthority(directory)
    authority.config.write_text(OPENSSL_CONFIG.format(dir=directory, policy=POLICY))
    return authority
