#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for tests/notify.rs (aiosmtpd, pinned in .ci/run).

usage: smtp_server.py PORT MAILDIR USER PASSWORD

Accepts AUTH PLAIN/LOGIN for USER/PASSWORD only (without TLS: loopback only), and stores every
message in MAILDIR (Maildir format: MAILDIR/new/*). Stops on SIGTERM or SIGINT.
"""
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    port, maildir, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok)

    controller = Controller(
        Mailbox(maildir),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    print("listening", port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
