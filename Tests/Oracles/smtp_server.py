#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd on loopback). Usage: smtp_server.py OUTDIR.
Prints its port on the first line of stdout, then stores each message it takes as
OUTDIR/NNNN.eml (the bytes as received) with NNNN.json (the envelope). Runs until stdin closes.

Test addresses: a recipient starting `tempfail` is refused with 451 the first time it is seen,
`reject` always with 550. AUTH PLAIN/LOGIN accepts user `kontor`, password `secret`."""
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
                       "auth": session.authenticated}, f)
        return "250 2.0.0 accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"kontor" and auth_data.password == b"secret"
    return AuthResult(success=ok)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    port = free_port()
    controller = Controller(Handler(outdir), hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False, auth_required=False)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()
