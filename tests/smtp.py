"""A real SMTP server on 127.0.0.1 for the tests: what Odoo's mail queue sends, as the
customer's mail server receives it.

    with smtp_server(self.env) as sink:
        ...  # post messages, then
        self.env["mail.mail"].process_email_queue()
        message = sink.wait_for(1)[0]
        body_text(message), attachments(message)

Odoo refuses to open an SMTP connection while a test runs (``ir.mail_server.connect`` and
``send_email`` return early when ``odoo.modules.module.current_test`` is set, which
tests/conftest.py does). Inside ``smtp_server()`` that one guard is lifted for
``ir.mail_server`` only: the rest of Odoo still knows it is under test (no commit, reports...).
"""

import email
import email.policy
import logging
import re
import socket
import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace
from unittest.mock import patch

from aiosmtpd.controller import Controller
from lxml import html as lxml_html

from odoo.addons.base.models import ir_mail_server

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's log of each SMTP command


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.sink._received(message, envelope.mail_from, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 (free port) keeping every message it receives.

    ``messages`` are parsed with ``email.policy.default`` (``EmailMessage``), in arrival order;
    ``envelopes`` holds the SMTP envelope ``(mail_from, rcpt_tos)`` of each.
    """

    host = "127.0.0.1"

    def __init__(self):
        self.port = None
        self.messages = []
        self.envelopes = []
        self._controller = None
        self._arrived = threading.Condition()

    def __enter__(self):
        for attempt in range(5):  # another process may take the free port first
            port = _free_port()
            controller = Controller(_Handler(self), hostname=self.host, port=port)
            try:
                controller.start()
            except Exception:
                if attempt == 4:
                    raise
                continue
            self.port, self._controller = port, controller
            return self
        return self  # not reached

    def __exit__(self, *exc):
        if self._controller:
            self._controller.stop()
            self._controller = None
        return False

    def _received(self, message, mail_from, rcpt_tos):
        with self._arrived:
            self.messages.append(message)
            self.envelopes.append((mail_from, rcpt_tos))
            self._arrived.notify_all()

    def clear(self):
        with self._arrived:
            self.messages.clear()
            self.envelopes.clear()

    def wait_for(self, count, timeout=10):
        """The first ``count`` messages received, waiting up to ``timeout`` seconds for them;
        AssertionError naming how many arrived when they do not."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} message(s) received on {self.host}:{self.port}, "
                        f"{count} expected"
                    )
                self._arrived.wait(remaining)
            return list(self.messages[:count])


@contextmanager
def _smtp_allowed():
    """Lift, for ir.mail_server only, Odoo's "do not connect while testing" guard."""
    not_testing = SimpleNamespace(module=SimpleNamespace(current_test=False))
    with patch.object(ir_mail_server, "modules", not_testing):
        yield


@contextmanager
def _outgoing_server(env, host, port):
    """Inside the block, Odoo's only outgoing mail server is ``host:port`` (no encryption, no
    authentication, sequence 1), and Odoo really connects to it."""
    MailServer = env["ir.mail_server"].sudo()
    others = MailServer.search([])
    others.active = False
    server = MailServer.create(
        {
            "name": f"Test SMTP {host}:{port}",
            "smtp_host": host,
            "smtp_port": port,
            "smtp_encryption": "none",
            "smtp_authentication": "login",
            "sequence": 1,
        }
    )
    try:
        with _smtp_allowed():
            yield server
    finally:
        server.active = False
        others.active = True


@contextmanager
def smtp_server(env):
    """A running ``SmtpSink`` that Odoo really sends to while inside the block.

    An outgoing mail server points at the sink and the other outgoing servers are set aside
    for the block, so that ``env["mail.mail"].process_email_queue()`` delivers there."""
    with SmtpSink() as sink, _outgoing_server(env, sink.host, sink.port):
        yield sink


@contextmanager
def smtp_down(env):
    """The SMTP server is down while inside the block: Odoo's outgoing mail server is a port
    of 127.0.0.1 where nothing listens (the connection is refused)."""
    with _outgoing_server(env, SmtpSink.host, _free_port()) as server:
        yield server


# Invisible characters of Odoo's email preview text (zero-width space, grapheme joiner...).
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u034f\ufeff\u00ad"))


def _flat(text):
    """Whitespace of any kind (incl. the no-break spaces of French amounts) as one space,
    invisible characters removed."""
    text = text.translate(INVISIBLE).replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def body_text(message):
    """The HTML body of a received message (or its plain text) as normalised plain text, as
    the recipient reads it: the words of each element separated by a space, whitespace
    collapsed, hidden elements (``display: none``, such as the preview text) left out."""
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        root = lxml_html.fromstring(content)
        hidden = "//*[contains(translate(@style, ' ', ''), 'display:none')]"
        for node in root.xpath(f"//style|//script|//head|{hidden}"):
            node.drop_tree()
        content = " ".join(root.itertext())
    return _flat(content)


def attachments(message):
    """[(filename, content type, bytes)] of the attachments of a received message."""
    return [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    ]
