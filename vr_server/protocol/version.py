"""Protocol version. A headset whose `hello.protocol` differs is refused with an error frame."""

PROTOCOL_VERSION = 1
