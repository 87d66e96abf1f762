"""Outbound email over SMTP (SMTP_HOST, SMTP_PORT, SMTP_FROM, optional STARTTLS and login)."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from brickroad.jobs.config import JobSettings


class MailNotConfigured(Exception):
    pass


def build(to: str, subject: str, body: str, js: JobSettings, delivery_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = js.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(usegmt=True)
    # A stable Message-ID: a redelivery after a crash is recognisably the same mail.
    domain = js.smtp_from.rsplit("@", 1)[-1] or "localhost"
    msg["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9.-]', '.', delivery_id)}@{domain}>"
    msg.set_content(body)
    return msg


def send(to: str, subject: str, body: str, js: JobSettings, delivery_id: str) -> None:
    """Send one mail; raises (smtplib.SMTPException, OSError) on failure so the outbox retries it."""
    if not js.smtp_host:
        raise MailNotConfigured("SMTP_HOST is not set")
    msg = build(to, subject, body, js, delivery_id)
    with smtplib.SMTP(js.smtp_host, js.smtp_port, timeout=js.smtp_timeout) as smtp:
        if js.smtp_starttls:
            smtp.starttls()
        if js.smtp_user:
            smtp.login(js.smtp_user, js.smtp_password or "")
        smtp.send_message(msg)
