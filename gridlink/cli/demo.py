"""What `gridlink run` configures when it runs the sandbox: the demo partners' profiles, which of them
supplies what, who is invoiced, and the sandbox network as the hub's Trading Grid mailbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridlink.config import MailboxSettings, OrderSettings, Settings
from gridlink.partners.profiles import DocumentSetting, Identity, PartnerProfile

# key, address, name, roles, standard and version of the documents it trades
DEMO = (
    ("acme", "ZZ:ACMESUPPLY", "Acme Supply", ["supplier"], ("x12", "004010")),
    ("delta", "ZZ:DELTA3PL", "Delta Logistics", ["3pl"], ("x12", "005010")),
    ("north", "ZZ:NORTHDIST", "North Distribution", ["distributor"], ("edifact", "D96A")),
    ("returns", "ZZ:RETURNSCTR", "Returns Center", ["returns"], ("x12", "004010")),
)

# Catalog SKUs SKU-0001..0009 come from Acme, SKU-0010..0019 from Delta, the rest from North; every
# order is invoiced to the distributor.
DEMO_ROUTING: dict[str, Any] = {
    "rules": [
        {"partner": "acme", "match": {"skus": ["SKU-000*"]}},
        {"partner": "delta", "match": {"skus": ["SKU-001*"]}},
    ],
    "default": "north",
}


def demo_profiles() -> list[PartnerProfile]:
    """The sandbox network's partners as the hub knows them (all through its Trading Grid mailbox)."""
    profiles = []
    for key, address, name, roles, (standard, version) in DEMO:
        qualifier, ident = address.split(":")
        setting = {"standard": standard, "version": version}
        profiles.append(
            PartnerProfile.model_validate(
                {
                    "key": key,
                    "name": name,
                    "roles": roles,
                    "identity": Identity(x12_qualifier=qualifier, x12_id=ident).model_dump(),
                    "documents": {doc: DocumentSetting.model_validate(setting) for doc in ("850", "810")},
                    "cross_references": {"units": {"EA": "PCE"} if standard == "edifact" else {}},
                }
            )
        )
    return profiles


def with_demo(settings: Settings, grid_url: str, grid_as2_id: str, grid_cert: Path) -> Settings:
    """``settings`` with the sandbox network as the mailbox and, where unset, the demo's order rules."""
    rules = settings.orders
    orders = OrderSettings.model_validate(
        {
            **rules.model_dump(),
            "routing": rules.routing or DEMO_ROUTING,
            "invoice_to": rules.invoice_to or ["north"],
        }
    )
    mailbox = settings.mailbox
    if not mailbox.as2_url:
        mailbox = MailboxSettings(as2_url=f"{grid_url}/as2", as2_id=grid_as2_id, certificate=grid_cert)
    return settings.model_copy(update={"orders": orders, "mailbox": mailbox})
