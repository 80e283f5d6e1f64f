"""The walk-in queue: check-in, tickets and the views of the queue that staff pages, the TV
board and the staff socket (`queue_update`, `snapshot.queue`) share.

A ticket never carries a visitor's name or phone number: those stay in the contact record
(deleted after `VR_RETENTION_DAYS`) and reach staff only through
`GET /api/queue/tickets/{id}/contact`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from content_tools.format import Language
from vr_server.protocol.common import NO_CONTROL_PATTERN, Id, SessionState, Wire

TicketStatus = Literal["waiting", "called", "in_session", "done", "no_show", "cancelled"]
OPEN_TICKET_STATUSES: frozenset[str] = frozenset({"waiting", "called", "in_session"})

VisitorName = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_CONTROL_PATTERN)]
Phone = Annotated[
    str,
    Field(
        pattern=r"^\+?[0-9][0-9 ()\-]{2,30}$",
        max_length=32,
        description="Digits, spaces, dashes and brackets, an optional leading +.",
    ),
]


VISITOR_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""A visitor code's characters: no 0/O or 1/I, as it is read aloud or typed from a phone."""
VISITOR_CODE_LENGTH = 8


def visitor_code_label(code: str) -> str:
    """How a visitor sees their code: K7QX-M4TZ."""
    return f"{code[:4]}-{code[4:]}"


class CheckIn(Wire):
    """A walk-in visitor at the desk. `name` and `phone` are optional and refused without
    `consent` (PDPA); blank strings count as not given. A returning visitor gives the visitor
    code of their ticket or result page (`visitor_code`), so that every session of their day
    is shown together on their result page."""

    language: Language = "th"
    interests: list[Id] = Field(
        default_factory=list,
        max_length=10,
        description="Scene ids the visitor would like to try, most wanted first.",
    )
    consent: bool = Field(
        default=False,
        description="The visitor agreed that name and phone are kept (deleted after "
        "VR_RETENTION_DAYS days).",
    )
    name: VisitorName | None = None
    phone: Phone | None = None
    visitor_code: str | None = Field(
        default=None,
        max_length=20,
        description="Today's visitor code (K7QX-M4TZ) from an earlier ticket or result page: "
        "the new ticket continues that visitor's journey. Case, spaces and dashes are ignored.",
    )

    @field_validator("visitor_code", mode="before")
    @classmethod
    def _normalise_code(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        code = "".join(ch for ch in value.upper() if ch.isalnum())
        if not code:
            return None
        if len(code) != VISITOR_CODE_LENGTH or any(c not in VISITOR_CODE_ALPHABET for c in code):
            raise ValueError("a visitor code has 8 letters and digits, like K7QX-M4TZ")
        return code

    @field_validator("name", "phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("interests")
    @classmethod
    def _unique_interests(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consent_for_personal_data(self) -> CheckIn:
        if (self.name is not None or self.phone is not None) and not self.consent:
            raise ValueError(
                "name and phone may only be kept with the visitor's consent (consent: true)"
            )
        return self


class TriedOccupation(Wire):
    """A session the ticket's visitor started today (on this ticket or an earlier one)."""

    session_id: str
    scene_id: str
    state: SessionState
    percent: float | None = Field(description="The score in percent once it has ended.")
    rating: int | None = Field(description="The visitor's 1-5 rating, if given.")


class Ticket(Wire):
    id: str
    number: int = Field(description="1, 2, 3, ... per venue day (VR_TIMEZONE).")
    label: str = Field(description="What the visitor and the TV board see, e.g. A007.")
    language: Language
    interests: list[str]
    status: TicketStatus
    created_at: datetime
    called_at: datetime | None
    headset_id: str | None
    headset_name: str | None
    session_id: str | None
    position: int | None = Field(description="1-based place among the waiting tickets, or null.")
    estimated_wait_s: float | None = Field(
        description="Waiting tickets only; null when no headset is online (docs/dashboard.md)."
    )
    has_personal_data: bool = Field(
        description="A name or phone number is stored (see the contact route)."
    )
    visitor_code: str | None = Field(
        default=None,
        description="The visitor's journey code as shown (K7QX-M4TZ), given at check-in again "
        "to continue the journey.",
    )
    tried: list[TriedOccupation] = Field(
        default_factory=list,
        description="The occupations the visitor started today, oldest first.",
    )


class QueueView(Wire):
    now_serving: list[Ticket] = Field(description="Called and in-session tickets.")
    waiting: list[Ticket] = Field(description="Today's waiting tickets in queue order.")
    average_session_s: float = Field(
        description="Today's finished sessions, else the catalog's expected length."
    )
    free_headsets: int = Field(description="Online headsets that are available now.")
    retention_days: int = Field(
        description="Days a visitor's name and phone are kept (VR_RETENTION_DAYS)."
    )
    updated_at: datetime


class BoardTicket(Wire):
    label: str
    status: TicketStatus
    headset_name: str | None
    position: int | None
    estimated_wait_s: float | None


class NowPlaying(Wire):
    """One headset in a running session, for the board's "now playing" tile: the board may
    `watch` it on its socket and draw the visitor's avatar in the scene (no personal data)."""

    headset_id: str
    headset_name: str
    session_id: str
    scene_id: str
    scene_version: str
    step_index: int
    step_count: int


class QueueBoard(Wire):
    """The queue for the public TV screen: labels, headset names and waits only."""

    now_serving: list[BoardTicket]
    waiting: list[BoardTicket]
    average_session_s: float
    free_headsets: int
    retention_days: int = Field(
        description="Days a visitor's name and phone are kept (the check-in tablet states it)."
    )
    updated_at: datetime
    now_playing: NowPlaying | None = Field(
        default=None,
        description="The online headset whose running session started last, if any.",
    )


class CallTicketRequest(Wire):
    """Body of `POST /api/queue/tickets/{id}/call`."""

    headset_id: Id
    scene_id: Id | None = Field(default=None, description="Default: the ticket's first interest.")


class CancelTicketRequest(Wire):
    """Body of `POST /api/queue/tickets/{id}/cancel`."""

    no_show: bool = Field(default=False, description="The visitor did not come when called.")


class TicketContact(Wire):
    """A visitor's personal data, for staff only (each read is logged)."""

    ticket_id: str
    label: str
    name: str | None
    phone: str | None
    consent_at: datetime
    delete_after: datetime = Field(description="When the retention purge deletes it.")


def ticket_label(number: int) -> str:
    """A001, A002, ... (four digits from 1000 on)."""
    return f"A{number:03d}"
