"""``gridlink messages``: the documents the hub received and sent, and what became of them."""

from __future__ import annotations

import typer
from rich.table import Table

from gridlink.cli.console import console, fail, with_database
from gridlink.flows.replay import ReplayRefused, replay
from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, Message, MessageEvent, MessageState

app = typer.Typer(help="List and inspect the documents the hub received and sent.", no_args_is_help=True)


def _choice(value: str | None, enum: type[MessageState] | type[Direction], option: str) -> str | None:
    if value is not None and value not in {member.value for member in enum}:
        fail(f"unknown {option} {value!r}: use one of {', '.join(m.value for m in enum)}", code=2)
    return value


@app.command("list")
def list_cmd(
    state: str = typer.Option(None, help="only messages in this state (received, rejected, dead, ...)"),
    partner: str = typer.Option(None, help="only messages to or from this partner"),
    direction: str = typer.Option(None, help="inbound or outbound"),
    reference: str = typer.Option(None, help="only messages about this business reference (a PO number)"),
    limit: int = typer.Option(50, min=1, max=10_000, help="how many, newest first"),
) -> None:
    """List the newest messages with their states."""
    wanted_state = _choice(state, MessageState, "state")
    wanted_direction = _choice(direction, Direction, "direction")

    async def query(db: Database) -> list[Message]:
        async with db.session() as session:
            return await messages.search(
                session,
                state=MessageState(wanted_state) if wanted_state else None,
                partner=partner,
                direction=Direction(wanted_direction) if wanted_direction else None,
                reference=reference,
                limit=limit,
            )

    table = Table("id", "created", "direction", "partner", "document", "reference", "state", "error")
    for m in with_database(query):
        table.add_row(
            str(m.id),
            m.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            m.direction,
            m.partner or "",
            f"{m.standard or ''} {m.document_type or ''}".strip(),
            m.reference or "",
            m.state,
            (m.error or "").splitlines()[0][:60] if m.error else "",
        )
    console.print(table)


@app.command("show")
def show_cmd(message_id: int = typer.Argument(..., help="the message's id")) -> None:
    """Show one message: identities, control numbers, error, and every state it passed through."""

    async def query(db: Database) -> tuple[Message | None, list[MessageEvent]]:
        async with db.session() as session:
            return await session.get(Message, message_id), await messages.history(session, message_id)

    message, events = with_database(query)
    if message is None:
        fail(f"no message {message_id}")
    console.print(
        f"[bold]message {message.id}[/]  {message.direction}  [cyan]{message.state}[/]", highlight=False
    )
    for label, value in (
        ("partner", message.partner),
        ("transport", message.transport),
        ("document", f"{message.standard or ''} {message.document_type or ''}".strip()),
        ("sender", message.sender),
        ("receiver", message.receiver),
        ("interchange", message.interchange_control),
        ("group", message.group_control),
        ("set", message.set_control),
        ("reference", message.reference),
        ("bytes", f"{message.size} (sha256 {message.blob_sha256})"),
        ("correlation id", message.correlation_id),
    ):
        console.print(f"  {label:>14}: {value or '-'}", highlight=False)
    if message.error:
        console.print("[red]error:[/]", highlight=False)
        console.print(message.error, highlight=False, markup=False)
    for event in events:
        arrow = f"{event.from_state or '·'} -> {event.to_state}"
        note = f"  {event.note}" if event.note else ""
        console.print(f"  {event.at.isoformat()}  {arrow}{note}", highlight=False, markup=False)


@app.command("replay")
def replay_cmd(message_id: int = typer.Argument(..., help="the message's id")) -> None:
    """Process a failed or stalled message again: received ones re-applied, outbound ones re-sent."""

    async def run(db: Database) -> str:
        return await replay(db, message_id, who="gridlink messages replay")

    try:
        said = with_database(run)
    except ReplayRefused as exc:
        fail(str(exc))
    console.print(f"{said}; a worker (gridlink run or gridlink worker) does it.", highlight=False)
