"""A real SMTP server on loopback for the tests (aiosmtpd), collecting what it receives; stoppable and
startable again on the same port, as a mail server that goes away and comes back."""

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from data.review_pack import free_port


class _Collect:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.arrived:
            self.server.messages.append((envelope.rcpt_tos, message))
            self.server.arrived.notify_all()
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.messages: list = []
        self.arrived = threading.Condition()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        self._controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    @property
    def running(self) -> bool:
        return self._controller is not None

    def stop(self) -> None:
        self._controller.stop()
        self._controller = None

    def wait_for(self, count: int, timeout: float = 60) -> list:
        """The messages once `count` have arrived (AssertionError after `timeout`)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout), self.messages
            return list(self.messages)
