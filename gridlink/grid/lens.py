"""Lens, Trading Grid's transaction visibility API: GraphQL `getTransactions` on
`POST /visibility_transaction_search`, as in OpenText's published collection.

The hub reads what became of what it sent: delivery status, functional-acknowledgment status, errors.
Queries are written with literals, as the published examples are (the input type names are not
published, so GraphQL variables cannot be declared); string values go through JSON escaping, which
GraphQL string literals share.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gridlink.grid.oauth import TokenSource

SEARCH_PATH = "/visibility_transaction_search"
FIELDS = (
    "transactionid",
    "correlationid",
    "arrivaltime",
    "status",
    "statusdate",
    "deliverystatus",
    "fastatus",
    "fastatusdate",
    "errorcode",
    "externalerrormessage",
    "senderaddress",
    "receiveraddress",
    "sendername",
    "receivername",
    "editype",
    "standardversion",
    "transactionlevel",
    "senderfilename",
    "sendertransactionid",
    "insize",
)
CONTENT_KEYS = ("purchase order number", "invoice number", "shipment identification")


class LensError(Exception):
    """Lens refused the query or answered with GraphQL errors."""


class ContentKey(BaseModel):
    """A business key Lens extracted from the document."""

    key: str
    value: str | None = None


class LensTransaction(BaseModel):
    """One transaction as Lens reports it (fields not asked for stay None)."""

    model_config = ConfigDict(extra="ignore")

    transactionid: str
    correlationid: str | None = None
    arrivaltime: str | None = None
    status: str | None = None
    statusdate: str | None = None
    deliverystatus: str | None = None
    fastatus: str | None = None
    fastatusdate: str | None = None
    errorcode: str | None = None
    externalerrormessage: str | None = None
    senderaddress: str | None = None
    receiveraddress: str | None = None
    sendername: str | None = None
    receivername: str | None = None
    editype: str | None = None
    standardversion: str | None = None
    transactionlevel: str | None = None
    senderfilename: str | None = None
    sendertransactionid: str | None = None
    insize: str | None = None
    contentkeys: list[ContentKey] = Field(default_factory=list)

    @property
    def keys(self) -> dict[str, str | None]:
        """Content keys by name ("purchase order number" -> "1001-ACME")."""
        return {k.key: k.value for k in self.contentkeys}


class LensPage(BaseModel):
    """One page of results."""

    count: int = 0
    total: int = 0
    offset: int = 0
    scrollid: str | None = None
    transactions: list[LensTransaction] = Field(default_factory=list)


@dataclass
class LensQuery:
    """A search: free text, fields that must / should match, values to exclude, content keys, a time range."""

    text: str | None = None
    must: list[tuple[str, str]] = field(default_factory=list)
    should: list[tuple[str, str]] = field(default_factory=list)
    exclude: list[tuple[str, str]] = field(default_factory=list)
    content_keys: dict[str, str] = field(default_factory=dict)
    arrived_from: datetime | None = None
    arrived_to: datetime | None = None
    count: int = 100
    offset: int = 0

    def graphql(self, *, scroll: bool = False) -> str:
        """The GraphQL document for this search."""
        paging = ["scroll: true"] if scroll else [f"count: {self.count}", f"offset: {self.offset}"]
        args = [*paging, "sortby: { field: arrivaltime type: ASC }"]
        if self.text:
            args.append(f"query: {_string(self.text)}")
        keys = (f"{{ key: {_string(k)} value: {_string(v)} }}" for k, v in self.content_keys.items())
        args.append(f"contentKeyFilters: [{', '.join(keys)}]")
        clauses = [
            f"{name}: [{', '.join(_match(f, q) for f, q in pairs)}]"
            for name, pairs in (("must", self.must), ("should", self.should))
            if pairs
        ]
        if clauses:
            args.append(f"fields: {{ {' '.join(clauses)} }}")
        if self.exclude:
            args.append(f"filters: [{', '.join(_exclusions(self.exclude))}]")
        if self.arrived_from or self.arrived_to:
            bounds = ["field: arrivaltime"]
            if self.arrived_from:
                bounds.append(f"from: {_string(_iso(self.arrived_from))}")
            if self.arrived_to:
                bounds.append(f"to: {_string(_iso(self.arrived_to))}")
            args.append(f"ranges: {{ {' '.join(bounds)} }}")
        names = ", ".join(_string(k) for k in CONTENT_KEYS)
        selection = " ".join(FIELDS) + f" contentkeys(names: [{names}]) {{ key value }}"
        page = f"count total offset {'scrollid ' if scroll else ''}transactions {{ {selection} }}"
        return f"query gridlinkSearch {{ getTransactions(query: {{ {' '.join(args)} }}) {{ {page} }} }}"


def _exclusions(pairs: list[tuple[str, str]]) -> list[str]:
    excluded: dict[str, list[str]] = {}
    for name, value in pairs:
        excluded.setdefault(_field(name), []).append(value)
    return [
        f"{{ field: {name} values: [{', '.join(f'{{ not: true value: {_string(v)} }}' for v in values)}] }}"
        for name, values in excluded.items()
    ]


def _string(value: str) -> str:
    return json.dumps(value)


def _field(name: str) -> str:
    if name not in FIELDS:
        raise ValueError(f"{name!r} is not a Lens field the hub searches on")
    return name


def _match(name: str, query: str) -> str:
    return f"{{ field: {_field(name)} query: {_string(query)} }}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class LensClient:
    """Searches Lens with a client-credentials token."""

    def __init__(self, tokens: TokenSource, base_url: str) -> None:
        self._tokens = tokens
        self._url = base_url.rstrip("/") + SEARCH_PATH

    async def search(self, query: LensQuery) -> LensPage:
        """One page of transactions matching ``query``."""
        return await self._run(query.graphql())

    async def scroll(self, query: LensQuery) -> AsyncIterator[LensTransaction]:
        """Every matching transaction, oldest first: the same scroll query repeated returns the next page
        (up to 1,000 each) until one comes back empty."""
        document = query.graphql(scroll=True)
        while True:
            page = await self._run(document)
            if not page.transactions:
                return
            for transaction in page.transactions:
                yield transaction

    async def _run(self, document: str) -> LensPage:
        response = await self._tokens.request("POST", self._url, json={"query": document, "variables": {}})
        if response.status_code != 200:
            raise LensError(f"Lens answered {response.status_code}: {response.text[:300]}")
        body = response.json()
        if body.get("errors"):
            raise LensError("; ".join(str(e.get("message", e)) for e in body["errors"]))
        return LensPage.model_validate((body.get("data") or {}).get("getTransactions") or {})
