"""Webhooks: a JSON POST signed with the webhook's secret, which the receiver checks."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

TIMEOUT = 10


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """X-Beacon-Signature: "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def post(url: str, secret: str, payload: dict) -> None:
    """POST `payload`; raises on no answer or a non-2xx answer."""
    body = json.dumps(payload, sort_keys=True, default=str).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Beacon",
            "X-Beacon-Timestamp": timestamp,
            "X-Beacon-Signature": signature(secret, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        answer.read()
