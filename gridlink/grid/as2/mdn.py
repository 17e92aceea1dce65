"""Message Disposition Notifications (RFC 4130 section 7, RFC 3798): the receipt for an AS2 message.

A receipt is a multipart/report with a human-readable part and a message/disposition-notification
part naming the original Message-ID, the MIC of what was received and the disposition; signed when
the sender asked for a signed receipt.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass

from gridlink.grid.as2 import mime
from gridlink.grid.as2.message import (
    AS2_VERSION,
    AS2Failure,
    Counterpart,
    Identity,
    MdnRequest,
    Outbound,
    entity_headers,
    new_message_id,
    parse_entity,
    quoted,
    signed_entity,
    verify_signed,
)

PROCESSED = "processed"


@dataclass(frozen=True)
class Receipt:
    """An MDN as the sender of the original message reads it."""

    original_message_id: str
    disposition: str  # "processed", or "processed/error: decryption-failed" and the like
    mic: str | None
    signed: bool
    text: str = ""

    @property
    def ok(self) -> bool:
        """The partner processed the message without error."""
        status = self.disposition.split(";")[-1].strip().lower()
        return status == PROCESSED or (status.startswith("processed") and "error" not in status)

    @property
    def error(self) -> str | None:
        """The error modifier ("decryption-failed"…), or the whole disposition when it is no success."""
        if self.ok:
            return None
        _, found, modifier = self.disposition.partition("error:")
        return modifier.strip() if found else self.disposition


def build_mdn(
    *,
    me: Identity,
    original_message_id: str,
    sender_as2_id: str,
    request: MdnRequest,
    mic: str | None,
    failure: AS2Failure | None = None,
    warning: str | None = None,
) -> Outbound:
    """The receipt for a received message: processed (with an optional warning such as
    "duplicate-document"), or processed/error with the failure's disposition."""
    disposition = PROCESSED if failure is None else f"processed/error: {failure.disposition}"
    if failure is None and warning:
        disposition = f"processed/warning: {warning}"
    text = (
        f"The AS2 message {original_message_id} was received and processed."
        if failure is None
        else f"The AS2 message {original_message_id} could not be processed: {failure}."
    )
    fields = [
        f"Reporting-UA: gridlink; {me.as2_id}",
        f"Original-Recipient: rfc822; {me.as2_id}",
        f"Final-Recipient: rfc822; {me.as2_id}",
        f"Original-Message-ID: {original_message_id}",
        f"Disposition: automatic-action/MDN-sent-automatically; {disposition}",
    ]
    if mic is not None and failure is None:
        fields.append(f"Received-Content-MIC: {mic}")
    human = mime.Entity(
        b"Content-Type: text/plain; charset=us-ascii", text.encode("ascii", "replace") + b"\r\n"
    )
    notification = mime.Entity(
        b"Content-Type: message/disposition-notification", ("\r\n".join(fields) + "\r\n").encode("latin-1")
    )
    report = mime.multipart(
        "multipart/report; report-type=disposition-notification",
        [human.raw, notification.raw],
        mime.new_boundary(),
    )
    current = signed_entity(report.raw, me, request.digests[0]) if request.signed else report
    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": quoted(me.as2_id),
        "AS2-To": quoted(sender_as2_id),
        "Message-ID": new_message_id(me.as2_id),
        "Subject": "Message Disposition Notification",
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
        "Content-Type": current.header("content-type") or "multipart/report",
    }
    return Outbound(headers["Message-ID"], headers, current.body, mic or "")


def read_mdn(headers: Mapping[str, str], body: bytes, partner: Counterpart) -> Receipt:
    """Open a receipt from ``partner`` (headers by lower-case name); a signed one must verify.

    Raises AS2Failure when it is not a readable MDN or its signature fails."""
    current = mime.Entity(entity_headers(headers), body)
    signed = False
    if current.content_type == "multipart/signed":
        inner, _digest = verify_signed(current, partner)
        current = parse_entity(inner, "integrity-check-failed")
        signed = True
    if current.content_type != "multipart/report":
        raise AS2Failure(
            "unexpected-processing-error", f"an MDN must be multipart/report, not {current.content_type}"
        )
    try:
        parts = [mime.parse(part) for part in mime.split_multipart(current)]
    except mime.MimeError as exc:
        raise AS2Failure("unexpected-processing-error", f"unreadable MDN: {exc}") from exc
    notification = next((p for p in parts if p.content_type == "message/disposition-notification"), None)
    if notification is None:
        raise AS2Failure("unexpected-processing-error", "the MDN has no disposition-notification part")
    fields = mime.parse_headers(notification.decoded_body())
    text = next(
        (p.decoded_body().decode("latin-1").strip() for p in parts if p.content_type == "text/plain"), ""
    )
    disposition = fields.get("disposition", "")
    return Receipt(
        original_message_id=fields.get("original-message-id", "").strip(),
        disposition=disposition.split(";", 1)[-1].strip() if ";" in disposition else disposition,
        mic=fields.get("received-content-mic"),
        signed=signed,
        text=text,
    )


def same_mic(expected: str, received: str | None) -> bool:
    """Whether an MDN's MIC is the one computed when sending (digest compared; algorithm names normalised)."""
    if received is None:
        return False
    want_value, _, want_alg = expected.partition(",")
    got_value, _, got_alg = received.partition(",")
    return want_value.strip() == got_value.strip() and _alg(want_alg) == _alg(got_alg)


def _alg(name: str) -> str:
    return name.strip().lower().replace("-", "")
