"""Real SMTP servers for tests, each on a free port: one that accepts (aiosmtpd), one that
refuses every recipient, and one that accepts the connection but never answers."""
from __future__ import annotations

import contextlib
import email
import socket
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps what arrives; `refuse` answers 550 to every recipient."""

    def __init__(self, refuse: bool = False, busy_times: int = 0):
        self.messages = []
        self.refuse = refuse
        self.busy_times = busy_times  # answer "try again later" this many times first

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        if self.busy_times:
            self.busy_times -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.rcpt_tos]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(inbox: Inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server():
    """A port that takes the connection and then says nothing: a mail server that hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def parsed(envelope):
    """(message, text) of a received mail."""
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    return message, message.get_content()
