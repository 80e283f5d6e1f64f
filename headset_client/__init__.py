"""Python headset client SDK and headset simulator (CLI `vr-headset`).

`HeadsetClient` enrolls a headset, keeps its WebSocket to the server open (reconnecting with
backoff), numbers and resends session events until acknowledged, and downloads assets into an
`AssetCache`. `SimulatedHeadset` plays assigned sessions like a visitor would. The WebXR app
the Quest Browser runs lives in `headset_client/web/`.
"""

from headset_client.cache import AssetCache
from headset_client.client import DownloadResult, HeadsetClient
from headset_client.errors import (
    AuthRejected,
    ConnectionRejected,
    DownloadError,
    EnrollmentFailed,
    EnrollmentRefused,
    HeadsetClientError,
    IntegrityError,
    NoActiveSession,
    NotEnrolled,
    ProtocolMismatch,
    Replaced,
    ServerUnreachable,
)
from headset_client.identity import Identity
from headset_client.notices import (
    ClientFailed,
    Connected,
    Disconnected,
    EventRejected,
    Notice,
    SessionLost,
    Subscription,
)
from headset_client.outbox import EventOutbox
from headset_client.playbook import Behaviour, plan_session, plan_step, session_events
from headset_client.simulator import Progress, SessionReport, SimulatedHeadset

__all__ = [
    "AssetCache",
    "AuthRejected",
    "Behaviour",
    "ClientFailed",
    "Connected",
    "ConnectionRejected",
    "Disconnected",
    "DownloadError",
    "DownloadResult",
    "EnrollmentFailed",
    "EnrollmentRefused",
    "EventOutbox",
    "EventRejected",
    "HeadsetClient",
    "HeadsetClientError",
    "Identity",
    "IntegrityError",
    "NoActiveSession",
    "NotEnrolled",
    "Notice",
    "Progress",
    "ProtocolMismatch",
    "Replaced",
    "ServerUnreachable",
    "SessionLost",
    "SessionReport",
    "SimulatedHeadset",
    "Subscription",
    "plan_session",
    "plan_step",
    "session_events",
]
