"""A partner's documents as its profile wants them: standard, version, codes, envelope and the gap-free
control numbers of each interchange."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.config import EdiSettings
from gridlink.documents.codecs import CodecProfile, EncodeError
from gridlink.edi.compose import Body
from gridlink.edi.delimiters import Delimiters
from gridlink.edi.writer import ControlNumbers, EdifactWriter, MemoryNumbers, X12Writer
from gridlink.edi.writer import Party as EdiParty
from gridlink.engine import Discard
from gridlink.partners.profiles import DocumentSetting, PartnerProfile
from gridlink.store import partners
from gridlink.store.sequences import last_taken, take

T = TypeVar("T")
D = TypeVar("D")

# The EDIFACT message of each X12 set the hub trades, and the X12 functional group (GS01) it travels in.
EDIFACT_OF = {
    "850": "ORDERS",
    "855": "ORDRSP",
    "856": "DESADV",
    "810": "INVOIC",
    "846": "INVRPT",
    "180": "RETANN",
}
GROUP_OF = {"850": "PO", "855": "PR", "856": "SH", "810": "IN", "846": "IB", "180": "AN"}
DEFAULT_SETTING = DocumentSetting(standard="x12", version="004010")


class UnknownPartner(LookupError):
    """No saved profile has this key or address."""


# Profiles parsed in this process, by key, with when each was saved: every document written reads its
# partner's profile, and parsing one costs far more than asking when it was last saved.
_parsed: dict[str, tuple[datetime, PartnerProfile]] = {}


async def profile_by_key(session: AsyncSession, key: str) -> PartnerProfile:
    """The saved profile of partner ``key``."""
    return await profile_as_saved(session, key, await partners.saved_at(session, key))


async def profile_as_saved(session: AsyncSession, key: str, saved: datetime | None) -> PartnerProfile:
    """The profile of partner ``key``, whose save time (None: no such partner) the caller has read."""
    cached = _parsed.get(key)
    if saved is not None and cached is not None and cached[0] == saved:
        return cached[1]
    row = await partners.by_key(session, key)
    if row is None:
        raise UnknownPartner(f"no partner {key!r}: load it with `gridlink partners load`")
    profile = PartnerProfile.model_validate(row.profile)
    _parsed[key] = (row.updated_at, profile)
    return profile


async def profile_by_address(session: AsyncSession, address: str) -> PartnerProfile | None:
    """The saved profile of the partner at a network address (qualifier:id), if any."""
    row = await partners.by_address(session, address)
    return None if row is None else PartnerProfile.model_validate(row.profile)


def document_setting(profile: PartnerProfile, x12_set: str) -> DocumentSetting:
    """The standard and version ``profile`` trades a document in (X12 004010 unless it says otherwise)."""
    return profile.documents.get(x12_set) or profile.documents.get(EDIFACT_OF[x12_set]) or DEFAULT_SETTING


def codec_profile(profile: PartnerProfile, setting: DocumentSetting) -> CodecProfile:
    """What the codecs need of a partner for one document."""
    return CodecProfile(
        standard=setting.standard,
        version=setting.version,
        units=profile.cross_references.units,
        require=tuple(setting.require),
    )


def codec_for(profile: PartnerProfile, x12_set: str) -> CodecProfile:
    """The codec profile of one of the partner's documents."""
    return codec_profile(profile, document_setting(profile, x12_set))


def encoded(
    encode: Callable[[D, CodecProfile], tuple[str, Body]], document: D, profile: PartnerProfile, x12_set: str
) -> Body:
    """``document`` encoded for ``profile``. One its guide would refuse is held: the job goes dead with
    the reason (retrying cannot add the missing data; `gridlink jobs retry` does once it is there)."""
    try:
        return encode(document, codec_for(profile, x12_set))[1]
    except EncodeError as exc:
        raise Discard(f"not sent to {profile.key}: {exc}") from exc


class _Counting:
    """Control numbers that only count what a write takes."""

    def __init__(self) -> None:
        self.used: Counter[str] = Counter()

    def next(self, scope: str) -> int:
        self.used[scope] += 1
        return self.used[scope]


class _Allocated:
    """Control numbers allocated beforehand from the database, handed out in order."""

    def __init__(self, values: dict[str, list[int]]) -> None:
        self.values = values

    def next(self, scope: str) -> int:
        return self.values[scope].pop(0)


def batched(profile: PartnerProfile) -> bool:
    """Whether a partner takes several interchanges per file. Deliveries to it go one at a time, in
    order, and number what they carry as they send it: its control numbers are then taken once per
    file, by the one delivery under way, rather than by every document as it is written (where each
    writer would hold the partner's sequences until its transaction ends)."""
    return profile.interchanges_per_file > 1


async def numbered(session: AsyncSession, profile: PartnerProfile, write: Callable[[ControlNumbers], T]) -> T:
    """Run ``write`` with the partner's control numbers, or, for a partner whose deliveries number what
    they send (:func:`batched`), with provisional ones (1) that its delivery replaces."""
    if batched(profile):
        return write(MemoryNumbers())
    return await allocated(session, profile.key, write)


async def allocated(session: AsyncSession, partner: str, write: Callable[[ControlNumbers], T]) -> T:
    """Run ``write`` with control numbers from the partner's gap-free sequences in ``session``.

    The writers ask for numbers synchronously, so ``write`` runs twice: once counting what it takes,
    then with exactly that many numbers allocated (a rollback gives them back).
    """
    counts = _counted(partner, write)
    return write(_Allocated(_by_scope(partner, await take(session, counts))))


@dataclass(frozen=True)
class Foreseen(Generic[T]):
    """What ``write`` gave with the numbers it will most likely be allocated, and those numbers."""

    result: T
    numbers: dict[str, range]
    write: Callable[[ControlNumbers], T]


async def foresee(session: AsyncSession, partner: str, write: Callable[[ControlNumbers], T]) -> Foreseen[T]:
    """Run ``write`` with the numbers :func:`allocated` would give it next, read without taking them, so
    that slow work on the result can be done before the partner's sequences are locked; right while
    nothing else takes the partner's numbers meanwhile (as for a batched partner's one delivery)."""
    counts = _counted(partner, write)
    last = await last_taken(session, list(counts))
    numbers = {name: range(last[name] + 1, last[name] + 1 + count) for name, count in counts.items()}
    return Foreseen(write(_Allocated(_by_scope(partner, numbers))), numbers, write)


async def confirm(session: AsyncSession, partner: str, foreseen: Foreseen[T]) -> T:
    """Take the foreseen numbers in ``session``: the foreseen result when they are the ones taken, else
    the result written again with those that were."""
    taken = await take(session, {name: len(numbers) for name, numbers in foreseen.numbers.items()})
    if taken == foreseen.numbers:
        return foreseen.result
    return foreseen.write(_Allocated(_by_scope(partner, taken)))


def _counted(partner: str, write: Callable[[ControlNumbers], object]) -> dict[str, int]:
    """How many numbers of each of the partner's sequences ``write`` takes."""
    counting = _Counting()
    write(counting)
    return {f"edi:{partner}:{scope}": count for scope, count in counting.used.items()}


def _by_scope(partner: str, numbers: dict[str, range]) -> dict[str, list[int]]:
    """Numbers of the partner's sequences, by the writer's scope each serves."""
    prefix = f"edi:{partner}:"
    return {name.removeprefix(prefix): list(values) for name, values in numbers.items()}


def hub_party(edi: EdiSettings) -> EdiParty:
    """The hub in an envelope."""
    return EdiParty(edi.x12_qualifier, edi.x12_id)


def partner_party(profile: PartnerProfile, standard: str) -> EdiParty:
    """The partner in an envelope of ``standard``."""
    ident = profile.identity
    if standard == "edifact" and ident.edifact_id:
        return EdiParty(ident.edifact_qualifier or ident.x12_qualifier, ident.edifact_id)
    return EdiParty(ident.x12_qualifier, ident.x12_id, ident.gs_id or "")


def interchange(
    edi: EdiSettings, profile: PartnerProfile, setting: DocumentSetting, x12_set: str, bodies: list[Body]
) -> Callable[[ControlNumbers], bytes]:
    """A writer of one interchange to ``profile`` carrying ``bodies`` (each one set of ``x12_set``)."""

    def write(numbers: ControlNumbers) -> bytes:
        out = io.BytesIO()
        receiver = partner_party(profile, setting.standard)
        if setting.standard == "x12":
            seps = profile.separators
            writer = X12Writer(
                out,
                sender=hub_party(edi),
                receiver=receiver,
                numbers=numbers,
                delimiters=Delimiters(seps.segment, seps.element, seps.component, seps.repetition),
                version="00501" if setting.version == "005010" else "00401",
            )
            writer.begin_group(GROUP_OF[x12_set], setting.version)
            for body in bodies:
                writer.write_set(x12_set, body, setting.version if setting.version == "005010" else None)
            writer.close()
        else:
            edifact = EdifactWriter(out, sender=hub_party(edi), receiver=receiver, numbers=numbers)
            for body in bodies:
                edifact.write_message(EDIFACT_OF[x12_set], setting.version[0], setting.version[1:], body)
            edifact.close()
        return out.getvalue()

    return write
