"""The staff snapshot serialised in pieces (vr_server.protocol.staff.snapshot_json) is byte for byte
what one `model_dump_json` call gives, for a fleet larger than several pieces, with sessions."""

from __future__ import annotations

from pathlib import Path

from bench.sessions import enroll_bulk
from vr_server.app import close_services, open_services
from vr_server.protocol import staff as wire
from vr_server.protocol.staff import Snapshot
from vr_server.settings import Settings
from vr_server.ws import staff


async def test_snapshot_in_pieces_equals_one_call(tmp_path: Path, test_bundles: Path) -> None:
    services = await open_services(Settings(data_dir=tmp_path, content_dirs=[test_bundles]))
    try:
        await services.catalog.import_dirs([test_bundles])
        count = wire.PIECE * 2 + 37  # three pieces, the last one short
        await enroll_bulk(f"sqlite+aiosqlite:///{tmp_path / 'vr.sqlite3'}", count)
        headsets = await services.fleet.views()
        scene_id = (await services.catalog.summaries())[0].id
        for headset in headsets[:3]:
            await services.sessions.assign(headset.id, scene_id, "en")
        snapshot = Snapshot(
            headsets=await services.fleet.views(),
            sessions=await services.sessions.views(states=staff.ACTIVE),
            catalog=await services.catalog.summaries(),
            queue=await services.queue.view(headsets),
        )
        assert len(snapshot.headsets) == count
        assert len(snapshot.sessions) == 3
        emptied = snapshot.model_copy(update={"headsets": [], "sessions": []})
        assert emptied.model_dump_json().startswith(
            wire._SNAPSHOT_START + wire._EMPTY_LISTS
        )  # the pieces are used
        assert wire.snapshot_json(snapshot) == snapshot.model_dump_json()
        sent = Snapshot.model_validate_json(await staff._snapshot(services))  # what staff get
        assert (len(sent.headsets), len(sent.sessions)) == (count, 3)
    finally:
        await close_services(services)
