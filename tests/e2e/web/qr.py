"""Read a QR code the way a phone camera would: from a screenshot of the element that shows it,
decoded by npm jsQR (a test-only dependency, never served) in a blank page of the browser."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Locator

JSQR = Path(__file__).resolve().parents[3] / "node_modules" / "jsqr" / "dist" / "jsQR.js"


def decode_qr(browser: Browser, element: Locator) -> str | None:
    """The text of the QR code `element` shows, or None when none can be read."""
    image = Image.open(io.BytesIO(element.screenshot())).convert("RGBA")
    context = browser.new_context()
    try:
        page = context.new_page()  # about:blank: no page's CSP in the way of the decoder
        page.add_script_tag(path=str(JSQR))
        found: str | None = page.evaluate(
            """([pixels, width, height]) => {
                const code = jsQR(Uint8ClampedArray.from(pixels), width, height);
                return code ? code.data : null;
            }""",
            [list(image.tobytes()), image.width, image.height],
        )
        return found
    finally:
        context.close()
