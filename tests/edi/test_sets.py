"""Every specified set: a valid document validates clean, and our writer's output passes the independent
validator. It has no CONTRL grammar, and its D96A INVRPT grammar fails its own structure check, so those
two are judged by our validator only."""

from __future__ import annotations

import pytest

from gridlink.edi.spec import available
from gridlink.edi.validator import validate
from tests.edi import samples
from tests.support import edi_validator

NOT_JUDGED_INDEPENDENTLY = {"CONTRL_D96A", "CONTRL_D01B", "INVRPT_D96A"}


def documents() -> dict[str, bytes]:
    docs = {}
    for version in ("004010", "005010"):
        for set_id, (functional_id, body) in samples.X12_SETS.items():
            docs[f"{set_id}_{version}"] = samples.x12(set_id, version, body(), functional_id)
    docs["999_005010"] = samples.x12("999", "005010", samples.x12_999(), "FA")
    for directory in ("D96A", "D01B"):
        for message, body in samples.EDIFACT_SETS.items():
            docs[f"{message}_{directory}"] = samples.edifact(message, directory, body())
    for message, body in samples.EDIFACT_D01B_SETS.items():
        docs[f"{message}_D01B"] = samples.edifact(message, "D01B", body())
    return docs


def test_every_specified_set_has_a_sample() -> None:
    names = set(documents())
    for version, sets in available("x12").items():
        assert {f"{s}_{version}" for s in sets} <= names
    for directory, sets in available("edifact").items():
        assert {f"{s}_{directory}" for s in sets} <= names


@pytest.mark.parametrize("name", sorted(documents()))
def test_valid_document_validates_clean(name: str) -> None:
    (result,) = validate(documents()[name])
    assert result.all_problems() == []
    assert len(result.sets) == 1 and result.sets[0].supported


def test_written_documents_pass_the_independent_validator() -> None:
    docs = {k: v for k, v in documents().items() if k not in NOT_JUDGED_INDEPENDENTLY}
    verdicts = edi_validator.check(docs)
    failed = {name: errors for name, errors in verdicts.items() if errors}
    assert failed == {}
