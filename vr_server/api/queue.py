"""The walk-in queue over HTTP: check-in and the TV board (kiosk, staff, admin), the queue,
calling and cancelling tickets (staff, admin), and a visitor's contact data (admin, or staff
with contact access; each read logged). `services/queue.py` does the work."""

from __future__ import annotations

from fastapi import APIRouter, Request

from vr_server.api.audit import caller
from vr_server.api.deps import ContactDep, CredentialFirstRoute, KioskDep, ServicesDep, StaffDep
from vr_server.protocol.queue import (
    CallTicketRequest,
    CancelTicketRequest,
    CheckIn,
    QueueBoard,
    QueueView,
    Ticket,
    TicketContact,
)
from vr_server.services.watch import now_playing

router = APIRouter(prefix="/api/queue", tags=["queue"], route_class=CredentialFirstRoute)


@router.get("")
async def queue(_staff: StaffDep, services: ServicesDep) -> QueueView:
    return await services.queue.view()


@router.get("/board")
async def board(_kiosk: KioskDep, services: ServicesDep) -> QueueBoard:
    """For the TV by the queue: labels, headset names and waits only, and the headset shown
    in the "now playing" tile."""
    board = await services.queue.board()
    playing = await now_playing(services.sessions, services.fleet)
    return board.model_copy(update={"now_playing": playing})


@router.post("/tickets", status_code=201)
async def check_in(body: CheckIn, _kiosk: KioskDep, services: ServicesDep) -> Ticket:
    return await services.queue.check_in(body)


@router.get("/tickets/{ticket_id}")
async def ticket(ticket_id: str, _staff: StaffDep, services: ServicesDep) -> Ticket:
    return await services.queue.ticket(ticket_id)


@router.post("/tickets/{ticket_id}/call")
async def call(
    ticket_id: str, body: CallTicketRequest, _staff: StaffDep, services: ServicesDep
) -> Ticket:
    return await services.queue.call(ticket_id, body.headset_id, body.scene_id)


@router.post("/tickets/{ticket_id}/cancel")
async def cancel(
    ticket_id: str, body: CancelTicketRequest, _staff: StaffDep, services: ServicesDep
) -> Ticket:
    return await services.queue.cancel(ticket_id, no_show=body.no_show)


@router.get("/tickets/{ticket_id}/contact")
async def contact(
    ticket_id: str, staff: ContactDep, services: ServicesDep, request: Request
) -> TicketContact:
    """Each read is recorded in the audit trail before the data is sent (none if it fails)."""
    found = await services.queue.contact(ticket_id, staff=staff.name)
    await services.audit.record(
        "contact_read", caller(staff, request), target=ticket_id, details={"ticket": found.label}
    )
    return found
