"""Parties in X12 N1 loops and EDIFACT NAD groups, both ways."""

from __future__ import annotations

from typing import Any

from gridlink.documents.common import Address, Party, PartyRole
from gridlink.edi.navigate import Loop

X12_ROLES = {
    PartyRole.BUYER: "BY",
    PartyRole.SELLER: "SE",
    PartyRole.SHIP_TO: "ST",
    PartyRole.SHIP_FROM: "SF",
    PartyRole.BILL_TO: "BT",
    PartyRole.REMIT_TO: "RI",
}
EDIFACT_ROLES = {
    PartyRole.BUYER: "BY",
    PartyRole.SELLER: "SU",
    PartyRole.SHIP_TO: "DP",
    PartyRole.SHIP_FROM: "SF",
    PartyRole.BILL_TO: "IV",
    PartyRole.REMIT_TO: "PE",
}


def x12_party(party: Party) -> list[tuple[str, list[Any]]]:
    """One N1 loop iteration as (tag, values) pairs: N1, N3/N4 for the address, PER for contacts."""
    pairs: list[tuple[str, list[Any]]] = [
        ("N1", [X12_ROLES[party.role], party.name[:60], party.id_qualifier, party.id])
    ]
    address = party.address
    if address is not None:
        lines = [line[:55] for line in address.lines]
        if lines:
            pairs.append(("N3", lines[:2]))
        if len(lines) > 2:
            pairs.append(("N3", lines[2:3]))
        if address.city or address.postal_code or address.country:
            pairs.append(
                (
                    "N4",
                    [
                        address.city or None,
                        address.state or None,
                        address.postal_code or None,
                        address.country,
                    ],
                )
            )
    contact: list[Any] = []
    if party.email:
        contact += ["EM", party.email]
    if party.phone:
        contact += ["TE", party.phone]
    if contact:
        pairs.append(("PER", ["IC", None, *contact]))
    return pairs


def x12_parties(loop: Loop) -> list[Party]:
    """The parties of the N1 loops in `loop`, leaving out roles the hub has no use for."""
    return [p for p in (_x12_party_from(n1) for n1 in loop.loops("N1")) if p is not None]


def _x12_party_from(loop: Loop) -> Party | None:
    """The party of one N1 loop iteration; None for a role the hub has no use for."""
    roles = {code: role for role, code in X12_ROLES.items()}
    role = roles.get(loop.value("N101"))
    if role is None:
        return None
    lines = [v for seg in loop.segments("N3") for v in (seg.get(1), seg.get(2)) if v]
    address = None
    if lines or loop.segments("N4"):
        address = Address(
            lines=lines[:3],
            city=loop.value("N401"),
            state=loop.value("N402"),
            postal_code=loop.value("N403"),
            country=loop.value("N404") or None,
        )
    contact = _contacts(loop.segments("PER"), first=3)
    return Party(
        role=role,
        name=loop.value("N102") or role.value,
        id_qualifier=loop.value("N103") or None,
        id=loop.value("N104") or None,
        address=address,
        email=contact.get("EM"),
        phone=contact.get("TE"),
    )


def edifact_party(party: Party, contact_group: str) -> dict[str, Any]:
    """One NAD group iteration: NAD with coded id, name and structured address; CTA/COM in `contact_group`."""
    address = party.address or Address()
    names = [party.name[i : i + 35] for i in range(0, min(len(party.name), 175), 35)]
    group: dict[str, Any] = {
        "NAD": [
            EDIFACT_ROLES[party.role],
            [party.id, None, party.id_qualifier] if party.id else None,
            None,
            names,
            [line[:35] for line in address.lines[:4]] or None,
            address.city[:35] or None,
            address.state[:9] or None,
            address.postal_code[:9] or None,
            address.country,
        ]
    }
    numbers = [[value, kind] for value, kind in ((party.email, "EM"), (party.phone, "TE")) if value]
    if numbers:
        group[contact_group] = [{"CTA": ["IC"], "COM": [[n] for n in numbers]}]
    return group


def edifact_parties(root: Loop, group_id: str, cta_group: str) -> list[Party]:
    """The parties of the NAD groups `group_id` in `root`, leaving out roles the hub has no use for."""
    return [p for p in (_edifact_party_from(g, cta_group) for g in root.loops(group_id)) if p is not None]


def _edifact_party_from(group: Loop, cta_group: str) -> Party | None:
    """The party of one NAD group iteration; `cta_group` is the id of its contact group."""
    roles = {code: role for role, code in EDIFACT_ROLES.items()}
    role = roles.get(group.value("NAD01"))
    if role is None:
        return None
    nad = group.segments("NAD")[0]
    lines = [line for line in nad.components(5) if line]
    address = None
    if lines or nad.get(6) or nad.get(8) or nad.get(9):
        address = Address(
            lines=lines[:3],
            city=nad.get(6),
            state=nad.get(7),
            postal_code=nad.get(8),
            country=nad.get(9) or None,
        )
    contacts = {seg.get(1, 2): seg.get(1, 1) for cta in group.loops(cta_group) for seg in cta.segments("COM")}
    name = "".join(nad.components(4)) or nad.get(3, 1) or role.value
    return Party(
        role=role,
        name=name,
        id=nad.get(2, 1) or None,
        id_qualifier=nad.get(2, 3) or None,
        address=address,
        email=contacts.get("EM"),
        phone=contacts.get("TE"),
    )


def _contacts(segments: list[Any], first: int) -> dict[str, str]:
    found: dict[str, str] = {}
    for seg in segments:
        for i in range(first, 9, 2):
            if seg.get(i):
                found.setdefault(seg.get(i), seg.get(i + 1))
    return found
