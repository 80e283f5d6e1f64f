"""Drive the WebXR headset app in headless Chromium, through IWER's emulated Quest 3.

Input goes through the emulated devices (`device.remote.dispatch`): the headset pose, the
right controller's pose and its trigger. The page's `window.__vr` hook only *reports* (node
and button positions, the current step); it never acts for the visitor.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize

from tests.support.e2e import require_e2e

CHROMIUM = Path(os.environ.get("VR_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DRIVER_JS = Path(__file__).with_name("driver.js")
VIEWPORT: ViewportSize = {"width": 200, "height": 150}
"""Small: SwiftShader renders the scenes at about 30 fps at this size on 2 cores."""


def launch(playwright: Playwright) -> Browser:
    require_e2e("Chromium")
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)"
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
    )


class Headset:
    """One emulated Quest 3 with the app open in a fresh browser context."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.base_url = base_url
        self.context: BrowserContext = browser.new_context(viewport=VIEWPORT)
        self.page: Page = self.context.new_page()
        self.asset_requests: list[str] = []
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", self._on_request)
        self.context.add_init_script(path=str(DRIVER_JS))

    def _on_request(self, request: Any) -> None:
        if "/assets/" in request.url:
            self.asset_requests.append(request.url)

    def open(self, query: str) -> None:
        self.page.goto(f"{self.base_url}/headset/?{query}")
        self.wait_for("window.__iwer !== undefined || window.__vr.state().phase === 'error'")

    def enter_lobby(self, code: str, query: str = "") -> None:
        """Enroll with `code` (more query parameters in `query`) and wait for the lobby in VR."""
        self.open(f"emulate=quest3&enroll={code}{query}")
        self.wait_for("s.phase === 'lobby' && s.presenting && s.catalog.length > 0", 20)

    def close(self) -> None:
        self.context.close()

    # ------------------------------------------------------------ reading

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.page.evaluate("window.__vr.state()")
        return state

    def wait_for(self, js: str, timeout: float = 15.0) -> Any:
        """Wait until the JS expression is truthy (it can use `s`, the app state)."""
        deadline = time.monotonic() + timeout
        expr = f"(() => {{ const s = window.__vr ? window.__vr.state() : {{}}; return ({js}); }})()"
        while True:
            value = self.page.evaluate(expr)
            if value:
                return value
            if time.monotonic() > deadline:
                state = self.page.evaluate("window.__vr ? window.__vr.state() : null")
                raise AssertionError(
                    f"timed out waiting for {js!r}\nstate: {state}\nconsole: {self.console[-20:]}"
                )
            time.sleep(0.05)

    def node(self, name: str) -> dict[str, Any]:
        info: dict[str, Any] | None = self.page.evaluate("(n) => window.__vr.node(n)", name)
        assert info is not None, f"no node {name!r} in the scene"
        return info

    def button(self, button_id: str, panel: str = "main") -> dict[str, Any]:
        info: dict[str, Any] | None = self.page.evaluate(
            "([b, p]) => window.__vr.button(b, p)", [button_id, panel]
        )
        assert info is not None, f"no button {button_id!r}: {self.state()['panel']}"
        return info

    # ------------------------------------------------------------ emulated devices

    def dispatch(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.page.evaluate(
            "([m, p]) => window.__iwer.remote.dispatch(m, p)", [method, params or {}]
        )

    def use_input(self, mode: str) -> None:
        """'hand': the visitor's hands (pinch to select) instead of the controllers."""
        self.page.evaluate("(m) => window.__drive.useInput(m)", mode)

    def press_button(self, button_id: str, panel: str = "main") -> None:
        self.page.evaluate("([b, p]) => window.__drive.pressButton(b, p)", [button_id, panel])

    def pick_scene(self, scene_id: str) -> None:
        self.page.evaluate("(s) => window.__drive.pickScene(s)", scene_id)

    def select_node(self, name: str) -> None:
        self.page.evaluate("(n) => window.__drive.selectNode(n)", name)

    def look_at_node(self, name: str) -> None:
        self.page.evaluate("(n) => window.__drive.lookAtNode(n)", name)

    def step_index(self) -> int:
        session = self.state()["session"]
        return -1 if session is None else int(session["step_index"])

    def play_step(self) -> int:
        """Do what the current step asks, through the emulated controller and headset, and
        wait until the app moves on; returns the index of the step played."""
        index: int = self.page.evaluate("window.__drive.playStep()")
        return index

    def play_all(self) -> list[int]:
        played: list[int] = self.page.evaluate("window.__drive.playAll()")
        return played
