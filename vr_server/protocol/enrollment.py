"""Enrollment over HTTP (`POST /api/devices/enroll`): a headset exchanges a code given by staff
for its device token. Shared by the server's route and the headset clients.

The dashboard's "Add headsets" makes a short code (`POST /api/enrollment-codes`, staff and
admins) and shows the link `http://ADDRESS:PORT/p/CODE` to type into the Quest browser; the
headsets that enroll with it reach the staff socket as `headset_enrolled`."""

from __future__ import annotations

from datetime import datetime
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


class EnrollmentCodeRequest(BaseModel):
    """`POST /api/enrollment-codes`: a short-lived code for the headsets being set up now."""

    model_config = ConfigDict(extra="forbid")

    uses: Annotated[int, Field(ge=1, le=50, description="How many headsets may enroll.")] = 30
    minutes: Annotated[int, Field(ge=5, le=12 * 60, description="How long it is valid.")] = 60


class EnrollmentCode(BaseModel):
    """A code made by `POST /api/enrollment-codes`: shown once (only its hash is stored)."""

    code: str = Field(description="8 characters in two groups, without 0, O, 1 or I: `K7FQ-X4MZ`.")
    path: str = Field(description="What follows the server's address in the link: `/p/K7FQ-X4MZ`.")
    label: str = Field(
        description="The code's label: `headset_enrolled` frames of its headsets carry it."
    )
    uses: int
    expires_at: datetime
    lan_addresses: list[str] = Field(
        description="This server's IPv4 addresses other than loopback, the most likely first: "
        "for the link when the dashboard was opened as localhost. May be empty."
    )
    public_url: str | None = Field(description="`VR_PUBLIC_URL` when set: the link's base then.")
    loopback_only: bool = Field(
        description="The server listens on 127.0.0.1 only: headsets cannot reach it (serve with "
        "VR_HOST=0.0.0.0)."
    )


class RevokeEnrollmentCode(BaseModel):
    """`POST /api/enrollment-codes/revoke`: stop a code at once (the dashboard's "Done")."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=4, max_length=32)]
