"""Every table of the hub; importing this package registers them all on ``Base.metadata``."""

from gridlink.store.models.jobs import Job, JobState
from gridlink.store.models.messages import Direction, Message, MessageEvent, MessageState, Sequence
from gridlink.store.models.orders import (
    Expectation,
    ExpectationKind,
    InvoiceRecord,
    PurchaseOrderRecord,
    PurchaseOrderState,
    ShipmentRecord,
)
from gridlink.store.models.partners import Partner
from gridlink.store.models.store_events import EventState, StoreEvent

__all__ = [
    "Direction",
    "EventState",
    "Expectation",
    "ExpectationKind",
    "InvoiceRecord",
    "Job",
    "JobState",
    "Message",
    "MessageEvent",
    "MessageState",
    "Partner",
    "PurchaseOrderRecord",
    "PurchaseOrderState",
    "Sequence",
    "ShipmentRecord",
    "StoreEvent",
]
