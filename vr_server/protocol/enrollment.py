"""Enrollment over HTTP (`POST /api/devices/enroll`): a headset exchanges a code given by staff
for its device token. Shared by the server's route and the headset clients."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from vr_server.protocol.common import HeadsetName, Id


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=4, max_length=32)]
    device_id: Id
    name: HeadsetName | None = None


class EnrollResponse(BaseModel):
    headset_id: str
    name: str
    device_token: str
