"""The hub's partner directory: profiles saved from the partners file or imported from Community
Management, and the AS2 counterparts they define."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridlink.grid.as2.keys import load_certificates
from gridlink.grid.as2.message import Counterpart
from gridlink.grid.community import CommunityClient, DirectoryPartner
from gridlink.partners.profiles import AS2Link, Identity, PartnerProfile
from gridlink.store import partners
from gridlink.store.db import Database

FILE = "file"
DIRECTORY = "directory"


@dataclass
class Saved:
    """How many profiles a load created, changed, or left alone (a file's profile beats the directory's)."""

    created: int = 0
    updated: int = 0
    kept: int = 0


async def save_profiles(db: Database, profiles: list[PartnerProfile], source: str) -> Saved:
    """Save profiles in one transaction; directory imports never replace a profile from the file."""
    saved = Saved()
    async with db.transaction() as session:
        known = await partners.all_partners(session)
        by_key = {p.key: p for p in known}
        by_address = {p.address: p for p in known}
        for profile in profiles:
            # A directory entry is the partner at its address, whatever name it was saved under.
            current = (
                by_address.get(profile.identity.address) if source == DIRECTORY else by_key.get(profile.key)
            )
            if source == DIRECTORY and current is not None and current.source == FILE:
                saved.kept += 1
                continue
            created = await partners.save(
                session,
                key=current.key if current is not None else profile.key,
                name=profile.name,
                address=profile.identity.address,
                source=source,
                profile=profile.model_copy(update={"key": current.key} if current else {}).model_dump(
                    mode="json"
                ),
            )
            saved.created += created
            saved.updated += not created
    return saved


def from_directory(entry: DirectoryPartner) -> PartnerProfile | None:
    """A profile for a directory entry: its name and first trading address (None without one)."""
    address = next((a for a in entry.trading_addresses if a.qualifier and a.id), None)
    if address is None:
        return None
    key = (
        re.sub(r"[^a-z0-9]+", "-", entry.partner_company_name.lower()).strip("-")[:63]
        or entry.partner_company_id
    )
    return PartnerProfile(
        key=key.lower(),
        name=entry.partner_company_name or entry.partner_company_id,
        identity=Identity(x12_qualifier=address.qualifier, x12_id=address.id),
    )


async def import_from_community(db: Database, community: CommunityClient) -> Saved:
    """Refresh the directory's partners from Community Management."""
    profiles = [p for p in map(from_directory, await community.partners()) if p is not None]
    return await save_profiles(db, profiles, DIRECTORY)


async def load_profiles(db: Database) -> list[PartnerProfile]:
    """Every saved profile."""
    async with db.session() as session:
        return [PartnerProfile.model_validate(p.profile) for p in await partners.all_partners(session)]


def as2_counterpart(profile: PartnerProfile) -> Counterpart | None:
    """The AS2 side of a profile with a direct AS2 link."""
    link = profile.transport
    if not isinstance(link, AS2Link):
        return None
    certs = tuple(load_certificates(link.certificate))
    return Counterpart(
        link.as2_id,
        certs=certs,
        encrypt_cert=certs[0],
        require_signed=link.require_signed,
        require_encrypted=link.require_encrypted,
    )
