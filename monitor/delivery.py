"""Sending alerts: a signed JSON POST per alert to a webhook, a digest e-mail per rule over
SMTP. Each try answers delivered or not, with the status and error for the delivery log;
monitor.alerts decides about retries."""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

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
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "monitor-alerts/0.1",
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status = reply.status
    except urllib.error.HTTPError as error:
        # 408 and 429 say "later"; other 4xx say the request itself is wrong.
        permanent = 400 <= error.code < 500 and error.code not in (408, 429)
        return Outcome(False, error.code, f"HTTP {error.code} {error.reason}", time.perf_counter() - began, permanent)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(False, None, str(reason), time.perf_counter() - began)
    return Outcome(200 <= status < 300, status, "" if status < 300 else f"HTTP {status}", time.perf_counter() - began)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0


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
