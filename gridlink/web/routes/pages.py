"""Server-rendered pages for operators: the first page lists orders and messages with their states."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gridlink.store import messages, orders
from gridlink.store.models.messages import MessageState
from gridlink.web.hub import Hub, hub_of

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter(tags=["pages"], include_in_schema=False)

# States an operator must look at, shown highlighted.
ATTENTION = {MessageState.REJECTED.value, MessageState.DEAD.value, MessageState.RETRYING.value}


@router.get("/", response_class=HTMLResponse)
async def index(
    request: Request,
    hub: Annotated[Hub, Depends(hub_of)],
    state: MessageState | None = None,
    reference: str | None = None,
) -> HTMLResponse:
    """The newest purchase orders with their states, what is overdue, and the newest messages
    (optionally only those in one state)."""
    async with hub.db.session() as session:
        found = await messages.search(session, state=state, reference=reference, limit=200)
        purchase_orders = await orders.recent_purchase_orders(session, limit=100)
        overdue = await orders.overdue(session, limit=50)
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "messages": found,
            "purchase_orders": purchase_orders,
            "overdue": overdue,
            "states": list(MessageState),
            "selected": state,
            "attention": ATTENTION,
        },
    )
