"""Codecs: canonical documents to and from X12 and EDIFACT, shaped by each partner's profile."""

from gridlink.documents.codecs.acknowledgment import decode_acknowledgment, encode_acknowledgment
from gridlink.documents.codecs.functional_ack import decode_functional_acks
from gridlink.documents.codecs.inventory import decode_inventory, encode_inventory
from gridlink.documents.codecs.invoice import decode_invoice, encode_invoice
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.purchase_order import decode_purchase_order, encode_purchase_order
from gridlink.documents.codecs.return_authorization import (
    decode_return_authorization,
    encode_return_authorization,
)
from gridlink.documents.codecs.ship_notice import decode_ship_notice, encode_ship_notice
from gridlink.documents.codecs.values import DecodeError, EncodeError

__all__ = [
    "CodecProfile",
    "DecodeError",
    "EncodeError",
    "decode_acknowledgment",
    "decode_functional_acks",
    "decode_inventory",
    "decode_invoice",
    "decode_purchase_order",
    "decode_return_authorization",
    "decode_ship_notice",
    "encode_acknowledgment",
    "encode_inventory",
    "encode_invoice",
    "encode_purchase_order",
    "encode_return_authorization",
    "encode_ship_notice",
]
