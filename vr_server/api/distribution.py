"""`GET /api/distribution` (staff): what each headset's cache holds, the downloads in progress
and how many headsets hold each scene version (the dashboard's cache column, the catalog's
roll-out). Kept in memory from the headsets' reports (services/distribution.py)."""

from __future__ import annotations

from fastapi import APIRouter

from vr_server.api.deps import CredentialFirstRoute, ServicesDep, StaffDep
from vr_server.protocol.distribution import DistributionView

router = APIRouter(tags=["distribution"], route_class=CredentialFirstRoute)


@router.get("/api/distribution")
async def distribution(_staff: StaffDep, services: ServicesDep) -> DistributionView:
    return await services.distribution.view()
