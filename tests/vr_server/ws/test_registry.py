"""The message registries: generated from the protocol unions, one handler per message type,
and the direct receive path going through the same handlers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import Field, TypeAdapter

from vr_server.protocol.common import Wire
from vr_server.protocol.headset import (
    HeadsetMessage,
    Ping,
    Telemetry,
    headset_message_adapter,
)
from vr_server.protocol.staff import StaffMessage, staff_message_adapter
from vr_server.services import Services
from vr_server.ws.headset import HEADSET
from vr_server.ws.kiosk import KIOSK
from vr_server.ws.registry import Link, Registry, union_members
from vr_server.ws.staff import STAFF
from vr_server.ws.watching import StaffLink

from .fakes import connection, sent_json


def _discriminator_mapping(adapter: TypeAdapter[Any]) -> set[str]:
    """The union's type names as pydantic's JSON Schema lists them (an independent source)."""
    schema = adapter.json_schema()
    return set(schema["discriminator"]["mapping"])


@pytest.mark.parametrize(
    ("registry", "adapter"),
    [
        (HEADSET, headset_message_adapter),
        (STAFF, staff_message_adapter),
        (KIOSK, staff_message_adapter),
    ],
    ids=["headset", "staff", "kiosk"],
)
def test_every_message_of_the_union_has_exactly_one_handler(
    registry: Registry[Any], adapter: TypeAdapter[Any]
) -> None:
    assert registry.missing() == []
    assert registry.type_names == _discriminator_mapping(adapter)
    assert set(registry.routes) == set(registry.members.values())
    for route in registry.routes.values():
        assert (route.fast is None) != (route.run is None), route.model


def test_telemetry_and_ping_are_fast_on_the_headset_socket_and_the_rest_is_not_all_fast() -> None:
    assert HEADSET.routes[Telemetry].fast is not None
    assert HEADSET.routes[Ping].fast is not None
    assert any(route.run is not None for route in HEADSET.routes.values())


def test_union_members_reads_the_type_literals() -> None:
    members = union_members(HeadsetMessage)
    assert members["telemetry"] is Telemetry
    assert set(union_members(StaffMessage)) == _discriminator_mapping(staff_message_adapter)


# ---------------------------------------------------------------- a toy union


class Hi(Wire):
    type: Literal["hi"] = "hi"


class Work(Wire):
    type: Literal["work"] = "work"
    n: int = 0


class Stranger(Wire):
    type: Literal["stranger"] = "stranger"


Toy = Annotated[Hi | Work, Field(discriminator="type")]
TOY_ADAPTER: TypeAdapter[Any] = TypeAdapter(Toy)


def test_a_member_without_a_handler_is_found() -> None:
    toy: Registry[Link] = Registry(Toy, "toy")
    toy.fast(Hi)(lambda link, msg: None)
    assert toy.missing() == ["work"]
    with pytest.raises(TypeError, match="toy: no handler for work"):
        toy.check()


def test_a_handler_without_a_member_is_refused() -> None:
    toy: Registry[Link] = Registry(Toy, "toy")
    with pytest.raises(TypeError, match="Stranger is not a message of toy"):
        toy.fast(Stranger)(lambda link, msg: None)


def test_a_second_handler_for_a_type_is_refused() -> None:
    toy: Registry[Link] = Registry(Toy, "toy")
    toy.fast(Hi)(lambda link, msg: None)
    with pytest.raises(TypeError, match="Hi has a handler on toy already"):
        toy.fast(Hi)(lambda link, msg: None)


def _toy(calls: list[str]) -> Registry[Link]:
    toy: Registry[Link] = Registry(Toy, "toy")

    @toy.fast(Hi)
    def hi(link: Link, msg: Hi) -> None:
        calls.append("hi")

    @toy.on(Work, budget="too much bad work")
    async def work(link: Link, msg: Work) -> None:
        calls.append(f"work {msg.n}")
        if msg.n < 0:
            raise ValueError("negative")
        if msg.n == 0:
            from vr_server.errors import Invalid

            raise Invalid("no work")

    toy.check()
    return toy


def _link() -> Link:
    return Link(connection(error_budget=1), Services.__new__(Services))


async def test_dispatch_runs_the_handler_and_hands_failures_to_fail() -> None:
    calls: list[str] = []
    toy, link = _toy(calls), _link()
    await toy.dispatch(link, Hi())
    await toy.dispatch(link, Work(n=2))
    await toy.dispatch(link, Work(n=0))
    assert calls == ["hi", "work 2", "work 0"]
    assert [f["code"] for f in sent_json(link.conn)] == ["invalid_message"]
    assert link.conn.close_code is None
    await toy.dispatch(link, Work(n=0))  # the route's budget: the second costs the connection
    assert (link.conn.close_code, link.conn.close_reason) == (4429, "too much bad work")


async def test_dispatch_maps_a_fault_to_1011() -> None:
    toy, link = _toy([]), _link()
    await toy.dispatch(link, Work(n=-1))
    assert (link.conn.close_code, link.conn.close_reason) == (1011, "internal error")


async def test_the_direct_path_takes_fast_messages_and_bad_frames_only() -> None:
    calls: list[str] = []
    toy, link = _toy(calls), _link()
    take = toy.direct(link, toy.reader(TOY_ADAPTER, 1000))
    assert take('{"type":"hi"}') is True
    assert calls == ["hi"]
    assert take('{"type":"work","n":1}') is False  # left to the receive loop
    assert calls == ["hi"]
    assert take('{"type":"nope"}') is True  # answered here
    assert [f["code"] for f in sent_json(link.conn)] == ["unknown_type"]


async def test_a_kiosk_gets_pong_and_is_refused_staff_commands() -> None:
    link = StaffLink(connection(error_budget=1), Services.__new__(Services))
    take = KIOSK.direct(link, KIOSK.reader(staff_message_adapter, 10_000))
    assert take('{"type":"ping","t":1.5}') is True
    assert take('{"type":"set_status","request_id":"r","headset_id":"h","status":"charging"}')
    pong, refusal = sent_json(link.conn)
    assert (pong["type"], pong["t"]) == ("pong", 1.5)
    assert (refusal["code"], refusal["request_id"]) == ("not_allowed", "r")
    assert refusal["message"] == "a kiosk only shows the queue board"
