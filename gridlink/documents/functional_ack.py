"""A functional acknowledgment (997 / 999 / CONTRL) as the flows see it: which sets were accepted."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from gridlink.documents.common import Document, Text


class FunctionalAckStatus(StrEnum):
    """Acceptance of a group or a set (AK9/AK5, IK5, UCI/UCM 0083)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"


class AckedSet(Document):
    """The partner's verdict on one transaction set or message we sent."""

    control_number: Text
    set_id: str | None = None
    status: FunctionalAckStatus
    errors: list[str] = Field(default_factory=list)


class FunctionalAck(Document):
    """An acknowledgment of the interchange or group with ``control_number``."""

    interchange_control_number: str | None = None
    group_control_number: str | None = None
    status: FunctionalAckStatus
    sets: list[AckedSet] = Field(default_factory=list)

    def rejected_sets(self) -> list[AckedSet]:
        """The sets the partner did not accept."""
        return [s for s in self.sets if s.status is FunctionalAckStatus.REJECTED]
