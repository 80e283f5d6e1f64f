"""Event bus interface and its in-process implementation."""

from vr_server.bus.base import Bus, Subscription
from vr_server.bus.memory import InProcessBus

__all__ = ["Bus", "InProcessBus", "Subscription"]
