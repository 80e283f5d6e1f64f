"""Write the message reference of docs/protocol.md from the pydantic models.

    .venv/bin/python scripts/protocol_doc.py            rewrite the generated section
    .venv/bin/python scripts/protocol_doc.py --check    exit 1 when it is out of date

Every frame of both sockets, every session event and the HTTP bodies a client reads or sends,
with each field's type, whether it is required (and its default), its constraints and its
description, taken from the models' JSON Schema: the generated section is this script's
output and nothing else. tests/docs/test_protocol_doc.py fails when it is out of date. A
field's text comes from its `Field(description=...)`, a model's from its docstring: change
those, not the doc.
"""

from __future__ import annotations

import enum
import json
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "scripts"):  # make the packages and generated_section importable
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from generated_section import GeneratedPage  # noqa: E402

from content_tools.format import LocalizedText  # noqa: E402
from vr_server.api import models as api  # noqa: E402
from vr_server.protocol import audit, distribution, enrollment, queue, reports  # noqa: E402
from vr_server.protocol.common import HeadsetView, SceneSummary, SessionView  # noqa: E402
from vr_server.protocol.events import SessionEvent  # noqa: E402
from vr_server.protocol.headset import HeadsetMessage, ServerToHeadset  # noqa: E402
from vr_server.protocol.staff import ServerToStaff, StaffMessage  # noqa: E402

DOC = ROOT / "docs" / "protocol.md"
CONTENT_FORMAT = "content-format.md"


def _members(union: Any) -> list[type[BaseModel]]:
    """The models of an `Annotated[A | B | ..., Field(discriminator=...)]` union, in order."""
    return list(typing.get_args(typing.get_args(union)[0]))


FRAMES: list[tuple[str, str, list[type[BaseModel]]]] = [
    ("Headset to server (`/ws/headset`)", "type", _members(HeadsetMessage)),
    ("Server to headset", "type", _members(ServerToHeadset)),
    ("Staff client to server (`/ws/staff`)", "type", _members(StaffMessage)),
    ("Server to staff client", "type", _members(ServerToStaff)),
    ("Session events (the `event` of an `event` frame)", "kind", _members(SessionEvent)),
]
HTTP: list[tuple[str, type[BaseModel]]] = [
    ("`GET /health`", api.Health),
    ("`POST /api/devices/enroll` body", enrollment.EnrollRequest),
    ("`POST /api/devices/enroll` answer", enrollment.EnrollResponse),
    ("`POST /api/enrollment-codes` body", enrollment.EnrollmentCodeRequest),
    ("`POST /api/enrollment-codes` answer", enrollment.EnrollmentCode),
    ("`POST /api/enrollment-codes/revoke` body", enrollment.RevokeEnrollmentCode),
    ("`POST /api/auth/login` body", api.LoginRequest),
    ("`POST /api/auth/login` answer", api.LoginResponse),
    ("`GET /api/auth/me`", api.Me),
    ("`GET /api/catalog`, `GET /api/catalog/{scene_id}`", SceneSummary),
    ("`GET /api/headsets`, `GET /api/headsets/{id}`", HeadsetView),
    ("`POST /api/headsets/{id}/status` body", api.StatusRequest),
    ("`POST /api/headsets/{id}/message` body", api.MessageRequest),
    ("`GET /api/sessions`, `GET /api/sessions/{id}`", SessionView),
    ("`POST /api/sessions` body", api.AssignRequest),
    ("`POST /api/sessions/{id}/commands` body", api.CommandRequest),
    ("`GET /api/sessions/{id}/events`", api.StoredEvent),
    ("`GET /api/queue`", queue.QueueView),
    ("`GET /api/queue/board`", queue.QueueBoard),
    ("`POST /api/queue/tickets` body", queue.CheckIn),
    ("`POST /api/queue/tickets` answer, `GET /api/queue/tickets/{id}`", queue.Ticket),
    ("`POST /api/queue/tickets/{id}/call` body", queue.CallTicketRequest),
    ("`POST /api/queue/tickets/{id}/cancel` body", queue.CancelTicketRequest),
    ("`GET /api/queue/tickets/{id}/contact`", queue.TicketContact),
    ("`GET /api/distribution`", distribution.DistributionView),
    ("`GET /api/stats`", reports.DayFigures),
    ("`GET /api/audit`", audit.AuditView),
    ("`GET /api/results/{token}`", reports.PublicResult),
]
EXPANDED_CONTENT_MODELS = {LocalizedText.__name__}
"""Models of content_tools shown here; the others are described in docs/content-format.md."""


def _classes(models: list[type[BaseModel]]) -> dict[str, type]:
    """Every model and enum the given models reach, by the name the JSON Schema gives it."""
    found: dict[str, type] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
            if annotation.__name__ in found:
                return
            found[annotation.__name__] = annotation
            if issubclass(annotation, BaseModel):
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    for model in models:
        visit(model)
    return found


class _Reference:
    def __init__(self) -> None:
        frames = [m for _, _, members in FRAMES for m in members]
        self.tops = list(dict.fromkeys([*frames, *(m for _, m in HTTP)]))
        _, schema = models_json_schema(
            [(m, "validation") for m in self.tops], ref_template="#/$defs/{model}"
        )
        self.defs: dict[str, Any] = schema["$defs"]
        self.classes = _classes(self.tops)
        self.anchored: set[str] = set()
        self.labels = {
            m.__name__: f"`{m.model_fields[tag].default}`" for _, tag, ms in FRAMES for m in ms
        }
        """Frames and events are named by their `type` or `kind`."""

    # ------------------------------------------------------------ names and links

    def external(self, name: str) -> bool:
        cls = self.classes.get(name)
        return (
            cls is not None
            and cls.__module__.startswith("content_tools.")
            and name not in EXPANDED_CONTENT_MODELS
        )

    def link(self, name: str) -> str:
        if self.external(name):
            return f"[{name}]({CONTENT_FORMAT})"
        return f"[{self.labels.get(name, name)}](#{_anchor(name)})"

    # ------------------------------------------------------------ types

    def type_of(self, node: dict[str, Any]) -> str:
        if "$ref" in node:
            return self.link(node["$ref"].rsplit("/", 1)[1])
        if "oneOf" in node:  # a discriminated union
            return " or ".join(self.type_of(o) for o in node["oneOf"])
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            text = " or ".join(self.type_of(o) for o in options)
            return text + (" or null" if len(options) < len(node["anyOf"]) else "")
        if "const" in node:
            return f"`{json.dumps(node['const'])}`"
        if "enum" in node:
            return " | ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in node["enum"])
        kind = node.get("type")
        if kind == "array":
            if "prefixItems" in node:
                return "[" + ", ".join(self.type_of(i) for i in node["prefixItems"]) + "]"
            return f"list of {self.type_of(node.get('items', {}))}"
        if kind == "object":
            values = node.get("additionalProperties")
            if isinstance(values, dict) and values:
                keys = node.get("propertyNames", {}).get("enum")
                on = " | ".join(f"`{k}`" for k in keys) if keys else "string"
                return f"object: {on} to {self.type_of(values)}"
            return "object"
        formats = {"date-time": "datetime (ISO 8601)", "date": "date (YYYY-MM-DD)"}
        if kind == "string" and node.get("format") in formats:
            return formats[node["format"]]
        return str(kind) if kind else "any"

    def constraints(self, node: dict[str, Any]) -> list[str]:
        if "anyOf" in node:
            return [c for o in node["anyOf"] for c in self.constraints(o)]
        out = [
            _between(node.get("minimum"), node.get("maximum"), ""),
            _between(node.get("minLength"), node.get("maxLength"), " characters"),
        ]
        if "exclusiveMinimum" in node:
            out.append(f"above {node['exclusiveMinimum']}")
        if "exclusiveMaximum" in node:
            out.append(f"below {node['exclusiveMaximum']}")
        if "pattern" in node:
            out.append(f"pattern `{node['pattern']}`")
        if "prefixItems" not in node:  # a tuple's length is in its type already
            out.append(_between(node.get("minItems"), node.get("maxItems"), " items"))
            each = self.constraints(node["items"]) if "items" in node else []
            if each:
                out.append("each: " + ", ".join(each))
        return [c for c in out if c]

    # ------------------------------------------------------------ tables

    def fields(self, name: str, tag: str | None) -> Iterator[str]:
        node = self.defs[name]
        model = self.classes[name]
        if not issubclass(model, BaseModel):
            raise TypeError(f"{name} is not a model")
        by_key = {f.alias or k: f for k, f in model.model_fields.items()}
        required = set(node.get("required", []))
        yield "| Field | Type | Required | Constraints | Description |"
        yield "|---|---|---|---|---|"
        for key, prop in node.get("properties", {}).items():
            field = by_key[key]
            if key == tag or key in required:
                presence = "yes"
            else:
                default = field.get_default(call_default_factory=True)
                if isinstance(default, BaseModel):
                    default = default.model_dump(mode="json")
                presence = f"no, `{json.dumps(default, ensure_ascii=False)}`"
            description = prop.get("description") or field.description or ""
            cells = [
                f"`{key}`",
                self.type_of(prop),
                presence,
                "; ".join(self.constraints(prop)),
                " ".join(description.split()),
            ]
            yield "| " + " | ".join(_cell(c) for c in cells) + " |"

    def model(self, name: str, heading: str, tag: str | None = None) -> Iterator[str]:
        if name in self.anchored:
            yield heading
            yield ""
            yield f"As [above](#{_anchor(name)})."
            yield ""
            return
        self.anchored.add(name)
        yield f'<a id="{_anchor(name)}"></a>'
        yield ""
        yield heading
        yield ""
        node = self.defs[name]
        if node.get("description"):
            yield " ".join(node["description"].split())
            yield ""
        if "enum" in node:
            yield "One of " + ", ".join(f"`{v}`" for v in node["enum"]) + "."
        else:
            yield from self.fields(name, tag)
        yield ""

    def reached(self) -> list[str]:
        """The shared objects: every definition the frames and bodies refer to, except the
        frames and bodies themselves and the content format's models."""
        tops = {m.__name__ for m in self.tops}
        seen: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    name = ref.rsplit("/", 1)[1]
                    if name not in seen and not self.external(name):
                        seen.add(name)
                        walk(self.defs[name])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for name in tops:
            walk(self.defs[name])
        return sorted(seen - tops)

    def render(self) -> str:
        lines = [
            "Generated from the pydantic models by `scripts/protocol_doc.py`; "
            "`tests/docs/test_protocol_doc.py` fails when this part is out of date. "
            "**Required** is about what a sender may leave out: a field marked *no* takes "
            "the default shown. The server always sends every field of its frames and "
            "answers, with `null` for an empty value. A frame with a field not listed here "
            "is refused (`invalid_message`), and so is a value outside its constraints.",
            "",
        ]
        for number, (title, tag, members) in enumerate(FRAMES, start=1):
            lines += [f"### 14.{number} {title}", ""]
            for model in members:
                value = model.model_fields[tag].default
                lines += self.model(model.__name__, f"#### `{value}`", tag)
        lines += [f"### 14.{len(FRAMES) + 1} HTTP bodies", ""]
        for title, model in HTTP:
            lines += self.model(model.__name__, f"#### {title}: {model.__name__}")
        lines += [
            f"### 14.{len(FRAMES) + 2} Shared objects",
            "",
            "Objects the frames and bodies above contain. `BundleManifest` and the other "
            f"models of the scene format are described in [{CONTENT_FORMAT}]({CONTENT_FORMAT}).",
            "",
        ]
        for name in self.reached():
            lines += self.model(name, f"#### {name}")
        return "\n".join(lines).rstrip() + "\n"


def _between(low: object, high: object, unit: str) -> str:
    """ "1 to 64 characters", "at least 1", "at most 2000 items", or "" without bounds."""
    if low is not None and high is not None:
        return f"{low} to {high}{unit}"
    if low is not None:
        return f"at least {low}{unit}"
    if high is not None:
        return f"at most {high}{unit}"
    return ""


def _anchor(name: str) -> str:
    return f"ref-{name.lower()}"


def _cell(text: str) -> str:
    """Table cells: a `|` inside a code span must be escaped too (GitHub tables)."""
    return text.replace("\n", " ").replace("|", "\\|")


def render_reference() -> str:
    return _Reference().render()


PAGE = GeneratedPage(DOC, "scripts/protocol_doc.py", render_reference, "the reference", __doc__)

if __name__ == "__main__":
    sys.exit(PAGE.main())
