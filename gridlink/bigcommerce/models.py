"""Typed views of the BigCommerce resources the hub uses; unknown fields are ignored (BC adds them freely)."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Amounts are decimals in the hub and JSON numbers on the wire (the v3 refund API declares `number`).
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Model(BaseModel):
    """Lenient on reading: BigCommerce may add fields at any time."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class OrderStatus(IntEnum):
    """BigCommerce's fixed order status ids (merchants rename the labels, never the ids)."""

    INCOMPLETE = 0
    PENDING = 1
    SHIPPED = 2
    PARTIALLY_SHIPPED = 3
    REFUNDED = 4
    CANCELLED = 5
    DECLINED = 6
    AWAITING_PAYMENT = 7
    AWAITING_PICKUP = 8
    AWAITING_SHIPMENT = 9
    COMPLETED = 10
    AWAITING_FULFILLMENT = 11
    MANUAL_VERIFICATION_REQUIRED = 12
    DISPUTED = 13
    PARTIALLY_REFUNDED = 14


class Address(Model):
    """A billing address, inline on the order."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""


class ShippingAddress(Address):
    """An order's shipping address; its id is the order_address_id a shipment names."""

    id: int
    order_id: int
    items_total: int = 0
    items_shipped: int = 0
    shipping_method: str = ""


class Order(Model):
    """A v2 order (amounts are decimal strings in v2, read as Decimal)."""

    id: int
    customer_id: int = 0
    channel_id: int = 1
    status_id: int
    status: str = ""
    date_created: str = ""
    date_modified: str = ""
    currency_code: str = ""
    subtotal_ex_tax: Decimal = Decimal(0)
    total_ex_tax: Decimal = Decimal(0)
    total_inc_tax: Decimal = Decimal(0)
    items_total: int = 0
    items_shipped: int = 0
    staff_notes: str = ""
    customer_message: str = ""
    external_order_id: str | None = None
    billing_address: Address = Field(default_factory=Address)


class OrderProduct(Model):
    """A line of an order; its id is the order_product_id shipments and refunds name."""

    id: int
    order_id: int
    product_id: int
    variant_id: int | None = None
    order_address_id: int = 0
    name: str = ""
    sku: str = ""
    upc: str = ""
    quantity: int
    quantity_shipped: int = 0
    quantity_refunded: int = 0
    price_ex_tax: Decimal = Decimal(0)
    price_inc_tax: Decimal = Decimal(0)
    base_price: Decimal = Decimal(0)


class ShippingConsignment(ShippingAddress):
    """A shipping consignment as ``include=consignments.line_items`` returns it: an address and its lines."""

    line_items: list[OrderProduct] = Field(default_factory=list)


class LineConsignment(Model):
    """A pickup or download consignment: only its lines matter to the hub."""

    line_items: list[OrderProduct] = Field(default_factory=list)


class Consignments(Model):
    """Where an order's lines go (``consignment_structure=object``)."""

    shipping: list[ShippingConsignment] = Field(default_factory=list)
    pickups: list[LineConsignment] = Field(default_factory=list)
    downloads: list[LineConsignment] = Field(default_factory=list)


class OrderDetail(Model):
    """An order with its lines and shipping addresses."""

    order: Order
    products: list[OrderProduct]
    addresses: list[ShippingAddress]


class ShipmentItem(Model):
    """An order line and how many of it a shipment carries."""

    order_product_id: int
    quantity: int
    product_id: int | None = None


class NewShipment(Model):
    """What POST /v2/orders/{id}/shipments takes."""

    order_address_id: int
    items: list[ShipmentItem]
    tracking_number: str = Field("", max_length=50)
    shipping_provider: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    shipping_method: str = ""
    comments: str = ""


class Shipment(NewShipment):
    """A shipment as the store keeps it."""

    id: int
    order_id: int
    customer_id: int = 0
    date_created: str = ""


class RefundLine(Model):
    """Items of one order line to refund (the v3 API's quantity-bound PRODUCT item)."""

    item_type: str = "PRODUCT"
    item_id: int = Field(description="the order product id")
    quantity: int = Field(gt=0)
    reason: str = Field("", max_length=1000)


class RefundPayment(Model):
    """Where refunded money goes: a provider, the amount, and whether it is settled outside BigCommerce."""

    provider_id: str
    amount: Money
    offline: bool = False


class PaymentOption(RefundPayment):
    """One way a refund quote says the amount can be paid back."""

    provider_description: str = ""
    offline_provider: bool = False
    offline_reason: str = ""


class RefundQuote(Model):
    """What refunding some lines would cost, and the ways it can be paid back."""

    order_id: int
    total_refund_amount: Money
    refund_methods: list[list[PaymentOption]] = Field(default_factory=list)


class RefundedItem(Model):
    """One item of a refund as the store recorded it."""

    item_type: str
    item_id: int
    quantity: int | None = None
    reason: str = ""


class Refund(Model):
    """A refund the store made."""

    id: int
    order_id: int
    reason: str = ""
    total_amount: Money
    items: list[RefundedItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(default_factory=list)


class Product(Model):
    """A v3 catalog product, with the fields that decide whether it can be bought."""

    id: int
    name: str
    sku: str = ""
    type: str = "physical"
    price: float = 0
    brand_id: int = 0
    categories: list[int] = Field(default_factory=list)
    is_visible: bool = True
    availability: str = "available"
    availability_description: str = ""
    inventory_tracking: str = "none"
    inventory_level: int = 0
    upc: str = ""
    gtin: str = ""
    mpn: str = ""
    base_variant_id: int | None = None
    preorder_release_date: str | None = None
    date_modified: str = ""


class Variant(Model):
    """A purchasable variant of a product (a simple product has one, its base variant)."""

    id: int
    product_id: int
    sku: str = ""
    price: float | None = None
    inventory_level: int = 0
    purchasing_disabled: bool = False
    purchasing_disabled_message: str = ""
    upc: str = ""
    gtin: str = ""


class CustomField(Model):
    """A product's name/value pair."""

    id: int | None = None
    name: str
    value: str


class Metafield(Model):
    """A namespaced key/value owned by the API account that wrote it."""

    id: int | None = None
    namespace: str
    key: str
    value: str
    permission_set: str = "app_only"
    description: str = ""
    resource_id: int | None = None


class Location(Model):
    """An inventory location (1 is the default shipping origin)."""

    id: int
    code: str = ""
    label: str = ""
    enabled: bool = True


class InventoryIdentity(Model):
    """Which item an inventory row or adjustment is about."""

    sku: str | None = None
    variant_id: int | None = None
    product_id: int | None = None


class InventoryItem(Model):
    """Stock of one item at one location."""

    identity: InventoryIdentity
    location_id: int | None = None
    available_to_sell: int = 0
    total_inventory_onhand: int = 0
    settings: dict[str, Any] = Field(default_factory=dict)


class Adjustment(Model):
    """One item of an absolute (set to) or relative (add) inventory adjustment."""

    location_id: int
    quantity: int
    sku: str | None = None
    variant_id: int | None = None
    product_id: int | None = None


class Customer(Model):
    """A v3 customer."""

    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    customer_group_id: int = 0


class CustomerGroup(Model):
    """A v2 customer group (B2B buyers are typically grouped)."""

    id: int
    name: str
    is_default: bool = False


class Channel(Model):
    """A sales channel; 1 is the default storefront."""

    id: int
    name: str
    type: str = "storefront"
    platform: str = ""
    status: str = "active"


class Hook(Model):
    """A webhook subscription, visible only to the API account that created it."""

    id: int
    scope: str
    destination: str
    is_active: bool = True
    headers: dict[str, str] | None = None
    client_id: str = ""
    created_at: int = 0
    updated_at: int = 0
