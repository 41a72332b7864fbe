#!/usr/bin/env python3
"""Loopback SMTP server for slawatch's delivery tests (Debian's python3-aiosmtpd).

Usage: smtp_receiver.py --out FILE [--tls none|starttls|implicit] [--cert PEM --key PEM]
                        [--auth USER:PASSWORD] [--reject ADDRESS ...]
                        [--reject-data "554 REPLY"]

Listens on 127.0.0.1 on an ephemeral port and prints `PORT <n>` once it accepts connections.
Exits when its standard input closes. Every accepted message is parsed with Python's `email`
package and appended to FILE as one JSON line before the server answers 250, so a client that
saw 250 finds its message in FILE.
"""
import argparse
import json
import os
import ssl
import sys
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class EphemeralController(Controller):
    """Binds port 0 and learns the real port before aiosmtpd's self-test connects."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Recorder:
    def __init__(self, out, rejected, reject_data=None, deferred=()):
        self.reject_data = reject_data
        # Addresses refused for now (450) the first time they are offered, then accepted.
        self.deferred = {a.lower() for a in deferred}
        self.out = out
        self.rejected = {a.lower() for a in rejected}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.lower() in self.deferred:
            self.deferred.discard(address.lower())
            return "450 4.2.0 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data:
            return self.reject_data
        raw = envelope.original_content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
        lines = raw.split(b"\r\n")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[k, str(v)] for k, v in message.items()],
            "raw_headers": [[k, v] for k, v in message.raw_items()],
            "content_type": message.get_content_type(),
            "parts": parts,
            "defects": [type(d).__name__ for p in message.walk() for d in p.defects],
            "crlf_only": b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""),
            "max_line_octets": max(len(line) for line in lines),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if session.authenticated and session.auth_data else None,
        }
        with self.lock:
            with open(self.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
                f.flush()
        return "250 2.0.0 Ok: queued as SLW42"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--tls", default="none", choices=["none", "starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--reject-data", help="answer DATA with this reply instead of accepting the message")
    parser.add_argument("--defer", action="append", default=[], help="refuse this recipient with 450 once, then accept it")
    args = parser.parse_args()

    kwargs = {}
    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    if args.tls == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs.update(
            authenticator=authenticator,
            auth_required=True,
            # With implicit TLS aiosmtpd does not know the socket is encrypted.
            auth_require_tls=(args.tls == "starttls"),
        )

    controller = EphemeralController(
        Recorder(args.out, args.reject, args.reject_data, args.defer),
        hostname="127.0.0.1",
        port=0,
        ssl_context=context if args.tls == "implicit" else None,
        **kwargs,
    )
    controller.start()
    print(f"PORT {controller.port}", flush=True)
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    main()
