#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd on loopback).
Usage: smtp_server.py OUTDIR [--starttls | --smtps | --starttls-required].
Prints its port on the first line of stdout, then stores each message it takes as
OUTDIR/NNNN.eml (the bytes as received) with NNNN.json (the envelope). Runs until stdin closes.

Test addresses: a recipient starting `tempfail` is refused with 451 the first time it is seen,
`reject` always with 550. AUTH PLAIN/LOGIN accepts user `kontor`, password `secret`.

With --starttls the server offers STARTTLS, with --starttls-required it refuses mail without it,
with --smtps it speaks TLS from the first byte; its certificate (for 127.0.0.1 and localhost) is
signed by a throw-away CA written to OUTDIR/ca.pem before the port is printed. Each envelope
records whether the message came over TLS."""
import asyncio
import json
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.seen = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tempfail"):
            self.seen[address] = self.seen.get(address, 0) + 1
            if self.seen[address] == 1:
                return "451 4.3.0 try again later"
        if address.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.outdir, f"{self.count:04d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "auth": session.authenticated, "tls": session.ssl is not None or IMPLICIT}, f)
        return "250 2.0.0 accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"kontor" and auth_data.password == b"secret"
    return AuthResult(success=ok)


IMPLICIT = False


def tls_context(outdir):
    """A CA and a server certificate for 127.0.0.1/localhost; the CA goes to OUTDIR/ca.pem."""
    import datetime
    import ipaddress
    import ssl
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kontor test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    with open(os.path.join(outdir, "ca.pem"), "wb") as f:
        f.write(ca.public_bytes(pem))
    with open(os.path.join(outdir, "server.pem"), "wb") as f:
        f.write(cert.public_bytes(pem))
    with open(os.path.join(outdir, "server.key"), "wb") as f:
        f.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(outdir, "server.pem"), os.path.join(outdir, "server.key"))
    return context


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    port = free_port()
    options = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False,
                   auth_required=False)
    if mode in ("--starttls", "--starttls-required"):
        options.update(tls_context=tls_context(outdir), require_starttls=mode == "--starttls-required")
    elif mode == "--smtps":
        IMPLICIT = True
        options.update(ssl_context=tls_context(outdir))
    controller = Controller(Handler(outdir), **options)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()
