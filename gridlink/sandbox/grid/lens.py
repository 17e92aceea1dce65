"""The Lens emulator: a real GraphQL schema for `getTransactions`, answered from the emulator's records.

The schema follows the published queries (input names are the emulator's own: OpenText does not
publish them). Matching: `query` terms joined by AND must each appear in some field; `fields.must`
all and `fields.should` at least one match (`*` wildcards, case-insensitive); `filters` exclude
(`not: true`) or require values; `contentKeyFilters` match content keys; `ranges` bound a field.
A scroll query returns the next page each time the same query is sent with the same token.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, build_schema, graphql

from gridlink.sandbox.grid.state import GridState

TRANSACTION_FIELDS = (
    "arrivaltime",
    "category",
    "correlationid",
    "deliveryfilename",
    "deliveryreceipt",
    "deliverystatus",
    "deliveryackstatus",
    "editype",
    "envelopetype",
    "errorcode",
    "errortype",
    "externalerrormessage",
    "fastatus",
    "fastatusdate",
    "firstbytetimestamp",
    "inagent",
    "informat",
    "insize",
    "lastbytetimestamp",
    "outagent",
    "outformat",
    "outsize",
    "parenttransactionid",
    "platform",
    "processingtime",
    "purgedate",
    "receivefilename",
    "receiveraddress",
    "receivermailbox",
    "receivername",
    "senderaddress",
    "senderfilename",
    "sendermailbox",
    "sendername",
    "senderreference",
    "sendertransactionid",
    "servicetype",
    "solutionid",
    "standardversion",
    "status",
    "statusdate",
    "transactionid",
    "transactionlevel",
    "type",
)
SCROLL_PAGE = 1000

SDL = f"""
type Query {{ getTransactions(query: TransactionQuery): TransactionPage }}
enum TransactionField {{ {" ".join(TRANSACTION_FIELDS)} }}
enum SortType {{ ASC DESC }}
input SortBy {{ field: TransactionField type: SortType }}
input ContentKeyFilter {{ key: String value: String }}
input FieldMatch {{ field: TransactionField query: String }}
input FieldQuery {{ must: [FieldMatch] should: [FieldMatch] }}
input FilterValue {{ not: Boolean value: String }}
input Filter {{ field: TransactionField values: [FilterValue] }}
input Range {{ field: TransactionField from: String to: String }}
input TransactionQuery {{
  count: Int offset: Int scroll: Boolean query: String sortby: SortBy
  contentKeyFilters: [ContentKeyFilter] fields: FieldQuery filters: [Filter] ranges: [Range]
}}
type ContentKey {{ key: String value: String }}
type Transaction {{
  {" ".join(f"{name}: String" for name in TRANSACTION_FIELDS)}
  contentkeys(names: [String]): [ContentKey]
}}
type TransactionPage {{ count: Int total: Int offset: Int scrollid: String transactions: [Transaction] }}
"""


def _like(value: Any, pattern: str) -> bool:
    text = "" if value is None else str(value)
    if pattern == "*":
        return text != ""
    return fnmatch.fnmatchcase(text.lower(), pattern.lower())


def _matches(record: dict[str, Any], query: dict[str, Any]) -> bool:
    text = query.get("query")
    if text:
        for term in (t.strip() for t in str(text).split(" AND ")):
            pattern = term if "*" in term else f"*{term}*"
            if not any(_like(v, pattern) for v in record.values() if not isinstance(v, dict | list)):
                return False
    fields = query.get("fields") or {}
    if not all(_like(record.get(m["field"]), m["query"]) for m in fields.get("must") or []):
        return False
    should = fields.get("should") or []
    if should and not any(_like(record.get(m["field"]), m["query"]) for m in should):
        return False
    for rule in query.get("filters") or []:
        value = str(record.get(rule["field"], ""))
        for allowed in rule.get("values") or []:
            if allowed.get("not") and value == allowed["value"]:
                return False
            if not allowed.get("not") and value != allowed["value"]:
                return False
    keys = record.get("contentkeys", {})
    for wanted in query.get("contentKeyFilters") or []:
        if not _like(keys.get(wanted["key"]), wanted["value"]):
            return False
    for bound in query.get("ranges") or []:
        value = str(record.get(bound["field"], ""))
        if bound.get("from") and value < bound["from"]:
            return False
        if bound.get("to") and value > bound["to"]:
            return False
    return True


class Lens:
    """Executes Lens queries against a GridState."""

    def __init__(self, state: GridState) -> None:
        self.state = state
        self.schema: GraphQLSchema = build_schema(SDL)
        transaction = self.schema.type_map["Transaction"]
        assert isinstance(transaction, GraphQLObjectType)
        transaction.fields["contentkeys"].resolve = _content_keys
        self._scrolls: dict[tuple[str, str], int] = {}

    async def execute(self, document: str, variables: dict[str, Any] | None, token: str) -> dict[str, Any]:
        """Run a GraphQL request; the answer has `data` and, when something is wrong, `errors`."""

        def get_transactions(_info: Any, query: dict[str, Any] | None = None) -> dict[str, Any]:
            return self._page(query or {}, (token, document))

        result = await graphql(
            self.schema, document, root_value={"getTransactions": get_transactions}, variable_values=variables
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"message": error.message} for error in result.errors]
        return answer

    def _page(self, query: dict[str, Any], scroll_key: tuple[str, str]) -> dict[str, Any]:
        found = [record for record in self.state.transactions if _matches(record, query)]
        sort = query.get("sortby") or {}
        if sort.get("field"):
            found.sort(key=lambda r: str(r.get(sort["field"], "")), reverse=sort.get("type") == "DESC")
        if query.get("scroll"):
            offset = self._scrolls.get(scroll_key, 0)
            count = SCROLL_PAGE
            self._scrolls[scroll_key] = offset + count
        else:
            offset, count = int(query.get("offset") or 0), int(query.get("count") or 10)
        page = found[offset : offset + count]
        return {
            "count": len(page),
            "total": len(found),
            "offset": offset,
            "scrollid": f"scroll-{abs(hash(scroll_key)) % 10**8}" if query.get("scroll") else None,
            "transactions": page,
        }


def _content_keys(
    record: dict[str, Any], _info: Any, names: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    keys: dict[str, Any] = record.get("contentkeys", {})
    wanted = list(names) if names is not None else list(keys)
    return [{"key": name, "value": keys[name]} for name in wanted if name in keys]
