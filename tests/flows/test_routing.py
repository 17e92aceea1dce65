"""Routing: each order line goes to the partner that supplies it; one purchase order per supplier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gridlink.flows.routing import LineFacts, RoutingTable, load_table, po_number, split

TABLE = load_table(
    {
        "rules": [
            {"partner": "mugs-inc", "match": {"skus": ["MUG-*"]}},
            {"partner": "acme", "match": {"brands": ["Acme"], "locations": ["east"]}},
            {"partner": "globex", "match": {"categories": ["23", "24"]}},
            {"partner": "dropship-co", "match": {"custom_field": {"fulfilment": "dropship"}}},
        ],
        "default": "house-3pl",
    }
)


def test_the_first_matching_rule_wins_and_the_default_takes_the_rest() -> None:
    assert TABLE.partner_for(LineFacts(1, "mug-blue")) == "mugs-inc"  # SKU patterns ignore case
    assert TABLE.partner_for(LineFacts(2, "MUG-1", brand="Acme", location="east")) == "mugs-inc"
    assert TABLE.partner_for(LineFacts(3, "TEE-1", brand="acme", location="east")) == "acme"
    assert TABLE.partner_for(LineFacts(4, "TEE-1", brand="Acme", location="west")) == "house-3pl"
    assert TABLE.partner_for(LineFacts(5, "CAP-1", categories=frozenset({"24", "99"}))) == "globex"
    assert TABLE.partner_for(LineFacts(6, "CAP-2", custom_fields={"fulfilment": "dropship"})) == "dropship-co"
    assert TABLE.partner_for(LineFacts(7, "CAP-3", custom_fields={"fulfilment": "stock"})) == "house-3pl"


def test_an_order_for_several_suppliers_splits_into_one_group_each_in_line_order() -> None:
    lines = [
        LineFacts(11, "MUG-1"),
        LineFacts(12, "CAP-1", categories=frozenset({"23"})),
        LineFacts(13, "MUG-2"),
        LineFacts(14, "SOCK-1"),
    ]
    result = split(TABLE, lines)
    assert {partner: [line.line_id for line in group] for partner, group in result.by_partner.items()} == {
        "mugs-inc": [11, 13],
        "globex": [12],
        "house-3pl": [14],
    }
    assert result.unrouted == []


def test_without_a_default_unmatched_lines_are_reported_not_dropped() -> None:
    table = RoutingTable.model_validate({"rules": [{"partner": "mugs-inc", "match": {"skus": ["MUG-*"]}}]})
    result = split(table, [LineFacts(1, "MUG-1"), LineFacts(2, "TEE-1")])
    assert [line.sku for line in result.unrouted] == ["TEE-1"]
    assert table.partners() == {"mugs-inc"}


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({"rules": [{"partner": "acme", "match": {}}]}, "matches everything"),
        ({"rules": [{"partner": "Not A Key!", "match": {"skus": ["A"]}}]}, "partner"),
        ({"rules": [{"partner": "acme", "match": {"colour": ["red"]}}]}, "colour"),
        ({"default": "acme", "fallback": "globex"}, "fallback"),
    ],
)
def test_a_wrong_routing_table_is_refused_naming_the_problem(
    config: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        load_table(config)


def test_po_numbers_are_stable_short_and_distinct_per_supplier() -> None:
    assert po_number(1001, "mugs-inc") == po_number(1001, "mugs-inc") == "1001-MUGSINC"
    assert po_number(1001, "mugs-inc") != po_number(1001, "globex")
    assert po_number(1001, "acme", partner_code="AC") == "1001-AC"


@given(
    order_id=st.integers(min_value=1, max_value=9_999_999_999),
    partner=st.from_regex(r"[a-z0-9][a-z0-9_-]{0,62}", fullmatch=True),
)
def test_po_numbers_always_fit_beg03(order_id: int, partner: str) -> None:
    number = po_number(order_id, partner)
    assert 1 <= len(number) <= 22
    assert number.startswith(f"{order_id}-")
