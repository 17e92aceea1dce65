"""The hub's AS2 station: opens what partners send and writes the receipt each one asked for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gridlink.grid.as2.mdn import build_mdn
from gridlink.grid.as2.message import AS2Failure, Counterpart, Identity, Inbound, Outbound, open_message


@dataclass
class Opened:
    """A received message and, when it could not be accepted, why."""

    message: Inbound
    failure: AS2Failure | None = None


@dataclass
class Station:
    """The hub's AS2 identity and the partners it trades with, by AS2 id."""

    me: Identity
    partners: dict[str, Counterpart] = field(default_factory=dict)

    def open(self, headers: Mapping[str, str], body: bytes) -> Opened:
        """Open a message (headers by lower-case name); a failure is returned, not raised."""
        try:
            return Opened(open_message(headers, body, self.me, self.partners.get))
        except AS2Failure as failure:
            received = failure.received or Inbound(message_id="", as2_from="", as2_to="")
            return Opened(received, failure)

    def receipt(self, opened: Opened, *, duplicate: bool = False) -> Outbound | None:
        """The MDN the sender asked for (None when it asked for none)."""
        message = opened.message
        if message.mdn is None:
            return None
        return build_mdn(
            me=self.me,
            original_message_id=message.message_id,
            sender_as2_id=message.as2_from,
            request=message.mdn,
            mic=message.mic,
            failure=opened.failure,
            warning="duplicate-document" if duplicate else None,
        )
