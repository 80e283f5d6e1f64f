"""Bad client input, logged briefly and rate-limited, and echoed only as far as it is safe.

Anyone on the venue's Wi-Fi can open a socket and send garbage before `hello`: a log line per
bad frame (a traceback each, as uvicorn logs invalid UTF-8) lets one client fill the disk.
Here every line is one line, values are clipped, and two token buckets decide what is written:
one per connection and one for the whole process. What a bucket refused is counted and told
in the next line it lets through ("12 more suppressed").
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

log = logging.getLogger("vr_server.badinput")

CLIP = 80
"""Characters of a client's value echoed in an error frame or written to the log."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def clip(value: str, limit: int = CLIP) -> str:
    """`value` cut to `limit` characters (saying how long it was), control characters written
    as escapes (no terminal codes or forged lines in the log) and unencodable lone surrogates
    replaced: safe to log and to echo in a frame."""
    if len(value) > limit:
        value = f"{value[:limit]}... ({len(value)} characters)"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", encodable(value))


def encodable(value: str) -> str:
    """`value` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def is_encodable(value: str) -> bool:
    return _SURROGATE.search(value) is None


class TokenBucket:
    """`burst` lines at once, then one every `1 / rate` seconds; counts what it refused."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.at = clock()
        self.suppressed = 0

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.suppressed += 1
        return False


class InputLog:
    """Writes one line per bad input while both buckets allow it (the connection's, when
    given, and the process's)."""

    def __init__(
        self, rate: float = 1.0, burst: int = 20, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.process = TokenBucket(rate, burst, clock)

    @staticmethod
    def connection_bucket() -> TokenBucket:
        """A connection's own: 3 lines, then one a minute."""
        return TokenBucket(1 / 60, 3)

    def warning(self, bucket: TokenBucket | None, message: str, *args: object) -> None:
        if bucket is not None and not bucket.take():
            return
        if not self.process.take():
            return
        suppressed = self.process.suppressed + (bucket.suppressed if bucket else 0)
        self.process.suppressed = 0
        if bucket is not None:
            bucket.suppressed = 0
        if suppressed:
            message += " (%d more suppressed)"
            args = (*args, suppressed)
        log.warning(message, *args)


BAD_INPUT = InputLog()
"""The process's: the disk it protects is the process's too (uvicorn's protocol objects, which
log invalid UTF-8, have no way to the application's state)."""
