"""E-mail out through BEACON_SMTP_URL: smtp://user:password@host:587?starttls=1 or smtps://…:465."""

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

#: Seconds a mail server may take to answer before the attempt counts as failed (and is retried).
TIMEOUT = 20


class SettingError(ValueError):
    """BEACON_SMTP_URL cannot be used: the message says why."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls: bool  # TLS from the start (smtps)
    starttls: bool
    user: str | None
    password: str | None


def parse(url: str) -> Server:
    """The mail server `url` names; SettingError when it names none."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingError(
            f"BEACON_SMTP_URL={url!r}: write it as smtp://user:password@host:587?starttls=1 or smtps://…"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise SettingError(f"BEACON_SMTP_URL={url!r}: the port is not a number.") from None
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
    return Server(
        parts.hostname,
        port,
        parts.scheme == "smtps",
        starttls,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


class Connection:
    """One connection to the mail server for a pass's messages, opened on the first one."""

    def __init__(self, server: Server):
        self.server, self._smtp = server, None

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            self.close()  # perhaps broken: the next message opens a fresh connection
            raise

    def _open(self) -> smtplib.SMTP:
        server = self.server
        if server.tls:
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
        if server.user:
            smtp.login(server.user, server.password or "")
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # already gone
                self._smtp.quit()
            self._smtp = None


def permanent(error: Exception) -> bool:
    """A refusal that trying again will not change: the server's 5xx for this message."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = min(c for c, _m in error.recipients.values())
    return isinstance(code, int) and 500 <= code < 600
