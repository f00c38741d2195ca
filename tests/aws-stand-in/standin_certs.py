"""Throw-away test CA and server certificate for the stand-in AWS server.

make_certs(state_dir) writes, into state_dir:

    ca.pem          the CA certificate: what clients trust (AWS_CA_BUNDLE, --ca-bundle)
    ca-key.pem      the CA's private key (0600)
    server.pem      the server certificate (SAN IP:127.0.0.1, DNS:localhost), signed by the CA
    server-key.pem  the server's private key (0600)

Keys are EC P-256, so the whole thing takes milliseconds. The certificates are made with the
`cryptography` module when /usr/bin/python3 has it (Debian 12 does), otherwise with the openssl
command line tool; backend="openssl" or "cryptography" forces one.
"""

import datetime
import importlib.util
import os
import shutil
import subprocess
import tempfile

CA_NAME = "aws-mfa-tray stand-in test CA"
SERVER_NAME = "localhost"
VALID_DAYS = 30


class CertPaths:
    def __init__(self, state_dir):
        self.ca_cert = os.path.join(state_dir, "ca.pem")
        self.ca_key = os.path.join(state_dir, "ca-key.pem")
        self.server_cert = os.path.join(state_dir, "server.pem")
        self.server_key = os.path.join(state_dir, "server-key.pem")


def have_cryptography():
    try:
        return importlib.util.find_spec("cryptography.x509") is not None
    except ImportError:
        return False


def make_certs(state_dir, backend="auto"):
    """Create a fresh CA and server certificate in state_dir; return a CertPaths."""
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    paths = CertPaths(state_dir)
    if backend == "auto":
        backend = "cryptography" if have_cryptography() else "openssl"
    if backend == "cryptography":
        _make_with_cryptography(paths)
    elif backend == "openssl":
        _make_with_openssl(paths)
    else:
        raise ValueError("unknown certificate backend: %r" % backend)
    return paths


def _write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _write_public(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _make_with_cryptography(paths):
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    # Back-dated by a day so that tests that skew the *server's* clock never make the
    # certificate look not-yet-valid to a client.
    not_before = now - datetime.timedelta(days=1)
    not_after = now + datetime.timedelta(days=VALID_DAYS)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost"),
            ]),
            critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    pkcs8 = serialization.PrivateFormat.PKCS8
    nocrypt = serialization.NoEncryption()
    _write_private(paths.ca_key, ca_key.private_bytes(pem, pkcs8, nocrypt))
    _write_public(paths.ca_cert, ca_cert.public_bytes(pem))
    _write_private(paths.server_key, key.private_bytes(pem, pkcs8, nocrypt))
    _write_public(paths.server_cert, cert.public_bytes(pem))


def _openssl(*args):
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run([openssl, *args], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _make_with_openssl(paths):
    old_umask = os.umask(0o077)  # the key files are created 0600
    try:
        _openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-sha256", "-days", str(VALID_DAYS), "-subj", "/CN=" + CA_NAME,
                 "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                 "-addext", "keyUsage=critical,digitalSignature,keyCertSign,cRLSign",
                 "-addext", "subjectKeyIdentifier=hash",
                 "-keyout", paths.ca_key, "-out", paths.ca_cert)
        with tempfile.TemporaryDirectory(dir=os.path.dirname(paths.ca_cert)) as tmp:
            csr = os.path.join(tmp, "server.csr")
            ext = os.path.join(tmp, "server.ext")
            with open(ext, "w") as f:
                f.write("basicConstraints=critical,CA:FALSE\n"
                        "keyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=serverAuth\n"
                        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                        "subjectKeyIdentifier=hash\n"
                        "authorityKeyIdentifier=keyid\n")
            _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-subj", "/CN=" + SERVER_NAME,
                     "-keyout", paths.server_key, "-out", csr)
            _openssl("x509", "-req", "-in", csr, "-CA", paths.ca_cert, "-CAkey", paths.ca_key,
                     "-CAcreateserial", "-CAserial", os.path.join(tmp, "ca.srl"),
                     "-sha256", "-days", str(VALID_DAYS), "-extfile", ext,
                     "-out", paths.server_cert)
    finally:
        os.umask(old_umask)
    os.chmod(paths.ca_cert, 0o644)
    os.chmod(paths.server_cert, 0o644)
