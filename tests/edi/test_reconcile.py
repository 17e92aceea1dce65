"""Received acknowledgments are read and matched to what was sent, by control numbers."""

from __future__ import annotations

import io

import pytest

from gridlink.edi.ack import acknowledge
from gridlink.edi.errors import EdiError
from gridlink.edi.reconcile import Ack, AckError, Outcome, Sent, read_acks, reconcile, sent_in
from gridlink.edi.validator import validate
from gridlink.edi.writer import MemoryNumbers
from tests.edi import samples

PARTNER = "ZZ:ACMESUPPLY"
TOO_LONG = "PO-1002-THIS-IS-FAR-TOO-LONG"


def purchase_orders(version: str) -> bytes:
    """Three 850s in one group; the second has a BEG03 longer than the standard allows."""
    out = io.BytesIO()
    writer = samples.x12_writer(out, version)
    writer.begin_group("PO", version)
    for n in (1, 2, 3):
        body = samples.x12_850()
        body[0] = ("BEG", ["00", "SA", TOO_LONG if n == 2 else f"PO-100{n}", None, "20261125"])
        writer.write_set("850", body, version if version == "005010" else None)
    writer.end_group()
    writer.close()
    return out.getvalue()


def partner_ack(received: bytes, **options: object) -> bytes:
    """What the partner sends back: the acknowledgment of what it received."""
    (result,) = validate(received)
    ack = acknowledge(result, numbers=MemoryNumbers(), now=samples.NOW, **options)  # type: ignore[arg-type]
    assert ack is not None
    return ack


@pytest.mark.parametrize(
    ("version", "kind", "segment_tag"), [("004010", "997", "AK3"), ("005010", "999", "IK3")]
)
def test_a_group_acknowledgment_settles_each_set_it_names(version: str, kind: str, segment_tag: str) -> None:
    sent_interchange = purchase_orders(version)
    sent = sent_in(sent_interchange)
    assert [(s.partner, s.set_id, s.set_control, s.group) for s in sent] == [
        (PARTNER, "850", "1", "1"),
        (PARTNER, "850", "2", "1"),
        (PARTNER, "850", "3", "1"),
    ]
    (ack,) = read_acks(partner_ack(sent_interchange))
    assert (ack.kind, ack.sender, ack.receiver) == (kind, PARTNER, "ZZ:DEMORETAILER")

    result = reconcile(sent, [ack])

    outcomes = [(s.sent.set_control, s.outcome) for s in result.settled]
    assert outcomes == [("1", Outcome.ACCEPTED), ("2", Outcome.REJECTED), ("3", Outcome.ACCEPTED)]
    rejected = result.by_outcome(Outcome.REJECTED)[0]
    # The partner's own words: BEG (segment 2 of the set) element 3 too long, with the bad value quoted.
    assert AckError("5", "BEG", 2, 3, 0, TOO_LONG) in rejected.errors
    assert rejected.by == [f"{kind} group 1"]
    assert result.unmatched == []


def test_what_no_acknowledgment_names_stays_pending_and_unknown_references_are_reported() -> None:
    sent_interchange = purchase_orders("004010")
    never_acked = Sent(PARTNER, "9", "850", "1", group="9")
    other_partner = Sent("ZZ:OTHER", "1", "850", "1", group="1")
    (ack,) = read_acks(partner_ack(sent_interchange))

    result = reconcile([*sent_in(sent_interchange), never_acked, other_partner], [ack])

    assert result.settled[3].outcome == Outcome.PENDING
    assert result.settled[4].outcome == Outcome.PENDING  # same numbers, another partner: not this ack
    assert [s.outcome for s in result.settled[:3]] == [Outcome.ACCEPTED, Outcome.REJECTED, Outcome.ACCEPTED]

    stray = reconcile([never_acked], [ack])
    assert stray.unmatched == [f"997 group 1 from {PARTNER}"]


def test_a_partner_997_with_padded_numbers_and_a_partial_group() -> None:
    # Written by hand, as another product would: control numbers zero-padded, only the bad set listed.
    ack = (
        b"ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*DEMORETAILER   *261125*0930*U*00401*"
        b"000000042*0*P*>~GS*FA*ACMESUPPLY*DEMORETAILER*20261125*0930*42*X*004010~ST*997*0001~"
        b"AK1*PO*0001~AK2*850*0002~AK3*PO1*10**8~AK4*2*330*6*2O~AK5*R*5~AK9*P*3*3*2~SE*8*0001~"
        b"GE*1*42~IEA*1*000000042~"
    )
    sent = sent_in(purchase_orders("004010"))

    result = reconcile(sent, read_acks(ack))

    assert [s.outcome for s in result.settled] == [Outcome.ACCEPTED, Outcome.REJECTED, Outcome.ACCEPTED]
    assert result.settled[1].errors == [
        AckError("8", "PO1", 10),
        AckError("6", "PO1", 10, 2, 0, "2O"),
        AckError("5"),
    ]


def test_a_ta1_settles_the_sets_of_its_interchange_only_when_it_rejects_it() -> None:
    sent_interchange = purchase_orders("004010")
    sent = sent_in(sent_interchange)
    # A trailer that names the wrong control number: the partner takes the interchange, noting it.
    broken = sent_interchange.replace(b"IEA*1*000000001", b"IEA*1*000000002")
    noted = next(a for a in read_acks(partner_ack(broken, ta1=True)) if a.kind == "TA1")
    assert (noted.interchange, noted.outcome, noted.errors) == (
        "1",
        Outcome.ACCEPTED_WITH_ERRORS,
        [AckError("001")],
    )
    assert {s.outcome for s in reconcile(sent, [noted]).settled} == {Outcome.PENDING}

    refused = read_acks(
        b"ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*DEMORETAILER   *261125*0930*U*00401*"
        b"000000007*0*P*>~TA1*000000001*261125*0930*R*022~IEA*0*000000007~"
    )
    result = reconcile(sent, refused)
    assert {s.outcome for s in result.settled} == {Outcome.REJECTED}
    assert result.settled[0].errors == [AckError("022")]


def orders_interchange(bad_second: bool) -> bytes:
    out = io.BytesIO()
    writer = samples.edifact_writer(out)
    for n in (1, 2):
        body = samples.orders()
        if bad_second and n == 2:
            body[8] = ("QTY", [["21", "2O"]])  # a letter O in a number
        writer.write_message("ORDERS", "D", "96A", body)
    writer.close()
    return out.getvalue()


def test_a_contrl_accepts_and_rejects_messages_by_their_reference() -> None:
    sent_interchange = orders_interchange(bad_second=True)
    sent = sent_in(sent_interchange)
    assert [(s.partner, s.set_id, s.set_control) for s in sent] == [
        (PARTNER, "ORDERS", "1"),
        (PARTNER, "ORDERS", "2"),
    ]
    (ack,) = read_acks(partner_ack(sent_interchange))
    assert (ack.kind, ack.interchange, ack.outcome) == ("CONTRL", sent[0].interchange, Outcome.RECEIVED)

    result = reconcile(sent, [ack])

    assert [s.outcome for s in result.settled] == [Outcome.ACCEPTED, Outcome.REJECTED]
    (error,) = result.settled[1].errors
    assert (error.code, error.position, error.element, error.component) == ("37", 10, 1, 2)


def test_a_contrl_that_acknowledges_the_interchange_accepts_every_message() -> None:
    sent_interchange = orders_interchange(bad_second=False)
    acks = read_acks(partner_ack(sent_interchange))

    result = reconcile(sent_in(sent_interchange), acks)

    assert [s.outcome for s in result.settled] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    assert acks[0].groups[0].sets == []  # UCI 7 alone: nothing listed, everything taken


def test_a_later_acknowledgment_overrides_an_earlier_one_but_a_receipt_never_overrides_a_verdict() -> None:
    sent_interchange = orders_interchange(bad_second=True)
    sent = sent_in(sent_interchange)
    rejecting = read_acks(partner_ack(sent_interchange))
    accepting = read_acks(partner_ack(orders_interchange(bad_second=False)))
    receipt = [Ack("CONTRL", PARTNER, "ZZ:DEMORETAILER", sent[0].interchange, Outcome.RECEIVED)]

    assert [s.outcome for s in reconcile(sent, [*rejecting, *accepting]).settled] == [Outcome.ACCEPTED] * 2
    after_receipt = reconcile(sent, [*rejecting, *receipt]).settled
    assert [s.outcome for s in after_receipt] == [Outcome.ACCEPTED, Outcome.REJECTED]
    only_receipt = reconcile(sent, receipt).settled
    assert [s.outcome for s in only_receipt] == [Outcome.RECEIVED] * 2


def test_unreadable_acknowledgments_raise_the_engines_own_error() -> None:
    with pytest.raises(EdiError):
        read_acks(
            b"ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*DEMORETAILER   *2611~ST*997*1~AK1*PO*1~"
        )
