"""Sending alerts: a signed JSON POST per alert to a webhook, a digest e-mail per rule over
SMTP. Each try answers delivered or not, with the status and error for the delivery log;
monitor.alerts.deliveries decides about retries."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from monitor.settings import SmtpSettings

SIGNATURE_HEADER = "X-Monitor-Signature"
TIMESTAMP_HEADER = "X-Monitor-Timestamp"
DELIVERY_HEADER = "X-Monitor-Delivery"


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str
    seconds: float
    permanent: bool = False  # retrying cannot help (a bad address, a 4xx answer)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>": a receiver recomputes it with the shared
    secret, and refuses old timestamps so a captured request cannot be replayed."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def post_webhook(url: str, secret: str | None, body: bytes, delivery_id: int, timeout: float) -> Outcome:
    """POST the body; `timeout` bounds the whole request, however slowly the receiver answers."""
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "monitor-alerts/0.1",
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
    began = time.perf_counter()
    try:
        answer = _Exchange(url, headers, body, timeout).within(timeout)
    except TimeoutError:
        return Outcome(False, None, f"no answer within {timeout:g} s", time.perf_counter() - began)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Outcome(False, None, str(error) or type(error).__name__, time.perf_counter() - began)
    return _judged(answer, time.perf_counter() - began)


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    location: str | None


def _judged(answer: _Answer, seconds: float) -> Outcome:
    """A 2xx is delivery. A redirect is never followed (it would go out as a GET without the
    alert, or to another scheme): it fails, naming where it pointed; 301 and 308 say the
    address moved for good, so, like a 4xx other than 408/429, trying again cannot help."""
    status = answer.status
    if 200 <= status < 300:
        return Outcome(True, status, "", seconds)
    error = f"HTTP {status} {answer.reason}"
    if 300 <= status < 400:
        error += f", a redirect to {answer.location or '(no Location)'}: not followed"
    permanent = status in (301, 308) or (400 <= status < 500 and status not in (408, 429))
    return Outcome(False, status, error, seconds, permanent)


class _Exchange:
    """One POST up to its answer's headers, in a thread of its own: a deadline then bounds
    the whole of it (name lookup, connect, sending, reading), where a socket timeout bounds
    each read only and a receiver dripping a byte at a time would hold the run for ever."""

    def __init__(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:  # no host would mean localhost
            raise ValueError(f"not an http(s) address: {url!r}")
        kind = _AbortableHTTPS if parts.scheme == "https" else _AbortableHTTP
        self.connection = kind(parts.hostname, parts.port, timeout=timeout)
        self.path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self.headers, self.body = headers, body
        self.answer: _Answer | None = None
        self.failure: Exception | None = None

    def within(self, seconds: float) -> _Answer:
        """The answer; TimeoutError when none came in `seconds`, or the exchange's own error."""
        worker = threading.Thread(target=self._exchange, name="webhook", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive():
            # Cut the connection so the worker ends now; one still looking up the name is
            # left to finish by itself (a daemon: it holds up nothing) and sends nothing.
            self.connection.abort()
            raise TimeoutError
        if self.failure is not None:
            raise self.failure
        assert self.answer is not None
        return self.answer

    def _exchange(self) -> None:
        try:
            self.connection.request("POST", self.path, self.body, self.headers)
            reply = self.connection.getresponse()
            self.answer = _Answer(reply.status, reply.reason, reply.getheader("Location"))
        except (OSError, http.client.HTTPException, ValueError) as error:  # for the waiting thread to report
            self.failure = error
        finally:
            self.connection.close()


class _AbortableHTTP(http.client.HTTPConnection):
    """A connection that another thread can abort at any moment: one connected is shut (its
    pending read or write ends at once), one still connecting is closed before it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = threading.Lock()
        self._aborted = False

    def connect(self) -> None:
        super().connect()
        with self._guard:
            if self._aborted:
                self.close()
                raise TimeoutError("aborted while connecting")

    def abort(self) -> None:
        with self._guard:
            self._aborted = True
            if self.sock is not None:
                # Mid-TLS-handshake the socket has handed its descriptor over and cannot be
                # shut: that handshake ends at the socket timeout, and nothing is sent.
                with contextlib.suppress(OSError):
                    self.sock.shutdown(socket.SHUT_RDWR)


class _AbortableHTTPS(_AbortableHTTP, http.client.HTTPSConnection):
    pass


def send_email(settings: SmtpSettings, to: list[str], subject: str, text: str, html: str) -> Outcome:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, ", ".join(to), subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    began = time.perf_counter()
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        return Outcome(False, None, f"recipients refused: {error.recipients}", time.perf_counter() - began, True)
    except (smtplib.SMTPException, OSError) as error:
        return Outcome(False, getattr(error, "smtp_code", None), str(error), time.perf_counter() - began)
    return Outcome(True, 250, "", time.perf_counter() - began)
