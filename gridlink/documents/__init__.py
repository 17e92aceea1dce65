"""Canonical business documents: what the hub means by a purchase order, a ship notice, an invoice.

Flows speak these models; codecs turn them into and out of X12 and EDIFACT for each partner.
"""

from gridlink.documents.acknowledgment import AckLine, AckStatus, LineAckStatus, OrderAcknowledgment
from gridlink.documents.common import Address, Item, Party, PartyRole
from gridlink.documents.functional_ack import AckedSet, FunctionalAck, FunctionalAckStatus
from gridlink.documents.inventory import InventoryAdvice, InventoryLevel
from gridlink.documents.invoice import Charge, Invoice, InvoiceLine
from gridlink.documents.purchase_order import OrderLine, PurchaseOrder, PurchaseOrderPurpose
from gridlink.documents.return_authorization import ReturnAuthorization, ReturnLine
from gridlink.documents.ship_notice import Package, ShipNotice, ShippedLine

__all__ = [
    "AckLine",
    "AckStatus",
    "AckedSet",
    "Address",
    "Charge",
    "FunctionalAck",
    "FunctionalAckStatus",
    "InventoryAdvice",
    "InventoryLevel",
    "Invoice",
    "InvoiceLine",
    "Item",
    "LineAckStatus",
    "OrderAcknowledgment",
    "OrderLine",
    "Package",
    "Party",
    "PartyRole",
    "PurchaseOrder",
    "PurchaseOrderPurpose",
    "ReturnAuthorization",
    "ReturnLine",
    "ShipNotice",
    "ShippedLine",
]
