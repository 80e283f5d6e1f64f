"""Admin routes (accounts, codes, kiosks, taking access back) and kiosk pairing.

    GET  /api/admin/accounts                          admin: every account
    POST /api/admin/accounts/{username}/disable       admin: disable + revoke its tokens
    POST /api/admin/accounts/{username}/enable        admin
    POST /api/admin/accounts/{username}/sign-out      admin: revoke every token of the account
    POST /api/admin/accounts/{username}/contact-access admin: allow a staff account contact data
    POST /api/admin/accounts/{username}/role          admin: e.g. author -> editor
    GET  /api/admin/codes                             admin: usable enrollment/pairing codes
    POST /api/admin/codes                             admin: a headset enrollment code
    POST /api/admin/codes/revoke                      admin: by the code or its label
    GET  /api/admin/kiosks, DELETE /api/admin/kiosks/{id}   admin
    POST /api/kiosks/pairing-code                     staff, admin: a one-use pairing code
    POST /api/kiosks/pair                             public: code -> kiosk token (+ cookie)

Every revocation closes the credential's open sockets with 4401 on every instance.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response

from vr_server.api.audit import caller, client_address
from vr_server.api.deps import AdminDep, CredentialFirstRoute, ServicesDep, StaffDep
from vr_server.api.models import (
    AccountView,
    CodeRequest,
    CodeView,
    ContactAccessRequest,
    KioskView,
    PairingCodeRequest,
    PairRequest,
    PairResponse,
    RevokeCodeRequest,
    RoleRequest,
    SignedOut,
    StoredCode,
)
from vr_server.api.routes import set_token_cookie
from vr_server.services import Services
from vr_server.services.audit import Actor
from vr_server.storage.records import AccountRecord

router = APIRouter(tags=["admin"], route_class=CredentialFirstRoute)
_CODE = re.compile(r"[A-Z0-9]{4,6}-?[A-Z0-9]{4,6}")


def _account_view(a: AccountRecord) -> AccountView:
    return AccountView.model_validate(a, from_attributes=True)


@router.get("/api/admin/accounts")
async def accounts(_admin: AdminDep, services: ServicesDep) -> list[AccountView]:
    return [_account_view(a) for a in await services.store.accounts.all()]


@router.post("/api/admin/accounts/{username}/disable")
async def disable(
    username: str, admin: AdminDep, services: ServicesDep, request: Request
) -> AccountView:
    return await _set_disabled(services, caller(admin, request), username, True)


@router.post("/api/admin/accounts/{username}/enable")
async def enable(
    username: str, admin: AdminDep, services: ServicesDep, request: Request
) -> AccountView:
    return await _set_disabled(services, caller(admin, request), username, False)


async def _set_disabled(
    services: Services, actor: Actor, username: str, disabled: bool
) -> AccountView:
    account = await services.access.set_disabled(username, disabled)
    action = "account_disabled" if disabled else "account_enabled"
    return await _account_changed(services, actor, action, username, account)


async def _account_changed(
    services: Services,
    actor: Actor,
    action: str,
    username: str,
    account: AccountRecord,
    details: dict[str, Any] | None = None,
) -> AccountView:
    """Log an admin's change to the account `username` and answer with the changed account."""
    await services.audit.record(action, actor, target=username, details=details)
    return _account_view(account)


@router.post("/api/admin/accounts/{username}/sign-out")
async def sign_out(
    username: str, admin: AdminDep, services: ServicesDep, request: Request
) -> SignedOut:
    account = await services.access.account(username)
    revoked = await services.access.revoke_account_tokens(account)
    await services.audit.record(
        "token_revoked", caller(admin, request), target=username, details={"tokens": revoked}
    )
    return SignedOut(tokens_revoked=revoked)


@router.post("/api/admin/accounts/{username}/contact-access")
async def contact_access(
    username: str,
    body: ContactAccessRequest,
    admin: AdminDep,
    services: ServicesDep,
    request: Request,
) -> AccountView:
    account = await services.access.set_contact_access(username, body.allowed)
    return await _account_changed(
        services,
        caller(admin, request),
        "contact_access",
        username,
        account,
        {"allowed": body.allowed},
    )


@router.post("/api/admin/accounts/{username}/role")
async def set_role(
    username: str, body: RoleRequest, admin: AdminDep, services: ServicesDep, request: Request
) -> AccountView:
    """Change an account's role (e.g. author to editor); its tokens are revoked."""
    account = await services.access.set_role(username, body.role)
    return await _account_changed(
        services, caller(admin, request), "role_changed", username, account, {"role": body.role}
    )


@router.get("/api/admin/codes")
async def codes(_admin: AdminDep, services: ServicesDep) -> list[StoredCode]:
    return [
        StoredCode.model_validate(c, from_attributes=True) for c in await services.access.codes()
    ]


@router.post("/api/admin/codes", status_code=201)
async def create_code(body: CodeRequest, _admin: AdminDep, services: ServicesDep) -> CodeView:
    """A headset enrollment code."""
    code = await services.auth.create_enrollment_code(
        uses=body.uses, hours=body.hours, label=body.label
    )
    return CodeView(code=code, expires_in_hours=body.hours)


@router.post("/api/admin/codes/revoke", status_code=204)
async def revoke_code(
    body: RevokeCodeRequest, admin: AdminDep, services: ServicesDep, request: Request
) -> None:
    await services.access.revoke_code(body.code)
    # a code is a secret (it may still be in use elsewhere): recorded by its start only
    shown = f"{body.code[:3]}..." if _CODE.fullmatch(body.code.upper()) else body.code
    await services.audit.record("enrollment_revoked", caller(admin, request), target=shown)


@router.get("/api/admin/kiosks")
async def kiosks(_admin: AdminDep, services: ServicesDep) -> list[KioskView]:
    return [
        KioskView(id=k.id, name=k.name, paired_at=k.paired_at)
        for k in await services.access.kiosks()
    ]


@router.delete("/api/admin/kiosks/{kiosk_id}", status_code=204)
async def remove_kiosk(
    kiosk_id: str, admin: AdminDep, services: ServicesDep, request: Request
) -> None:
    await services.access.remove_kiosk(kiosk_id)
    await services.audit.record("kiosk_removed", caller(admin, request), target=kiosk_id)


@router.post("/api/kiosks/pairing-code", status_code=201)
async def pairing_code(
    body: PairingCodeRequest, _staff: StaffDep, services: ServicesDep
) -> CodeView:
    code = await services.access.pairing_code(hours=body.hours, label=body.label)
    return CodeView(code=code, expires_in_hours=body.hours)


@router.post("/api/kiosks/pair", status_code=201)
async def pair(
    body: PairRequest, services: ServicesDep, request: Request, response: Response
) -> PairResponse:
    """Public: a check-in tablet or queue TV exchanges a pairing code for a kiosk token, also
    set as the `vr_staff` cookie (its pages then open without a staff login)."""
    paired = await services.access.pair_kiosk(body.code, body.name)
    await services.audit.record(
        "kiosk_paired",
        Actor(paired.kiosk.name, "kiosk", client_address(request)),
        target=paired.kiosk.id,
    )
    set_token_cookie(response, request, paired.token, services.settings.kiosk_token_days * 86400)
    return PairResponse(
        kiosk_id=paired.kiosk.id,
        name=paired.kiosk.name,
        token=paired.token,
        expires_at=paired.expires_at,
    )
