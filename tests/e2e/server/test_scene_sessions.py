"""A simulated headset completes every occupation scene in scenes/, against a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from content_tools.bundle import iter_bundles, load_bundle
from content_tools.format.scene import Language
from headset_client import HeadsetClient, SimulatedHeadset
from tests.conftest import scene_dirs
from tests.support.harness import ServerProcess

SCENE_IDS = [path.name for path in scene_dirs()]


def test_the_server_serves_every_scene(kiosk_server: ServerProcess, scene_library: Path) -> None:
    token = kiosk_server.staff_token()
    served = {s["id"] for s in kiosk_server.api(token, "GET", "/api/catalog").json()}
    assert served == set(SCENE_IDS)
    assert len(list(iter_bundles(scene_library))) == len(SCENE_IDS)


@pytest.mark.parametrize("scene_id", SCENE_IDS)
async def test_a_simulated_headset_completes_the_scene(
    kiosk_server: ServerProcess, scene_library: Path, scene_id: str, tmp_path: Path
) -> None:
    (bundle,) = [b for b in iter_bundles(scene_library) if load_bundle(b).scene_id == scene_id]
    manifest = load_bundle(bundle)
    language: Language = "th" if sum(map(ord, scene_id)) % 2 else "en"
    client = HeadsetClient(kiosk_server.url, tmp_path / "headset", name=f"kiosk-{scene_id}")
    await client.ensure_enrolled(kiosk_server.enrollment_code())
    sim = SimulatedHeadset(
        client, speed=400, seed=scene_id, telemetry_hz=0, scene=scene_id, language=language
    )
    try:
        report = (await asyncio.wait_for(sim.run(sessions=1), 60))[0]
    finally:
        await client.close()
    assert report.state == "finished", report
    token = kiosk_server.staff_token()
    session = kiosk_server.api(token, "GET", f"/api/sessions/{report.session_id}").json()
    assert (session["scene_id"], session["scene_version"], session["language"]) == (
        scene_id,
        manifest.version,
        language,
    )
    assert session["state"] == "finished"
    events = kiosk_server.api(token, "GET", f"/api/sessions/{report.session_id}/events").json()
    completed = [e["step_id"] for e in events if e["kind"] == "step_completed"]
    assert completed == [step.id for step in manifest.script.steps]
