from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from content_tools.compress import COMPRESSIONS, Compression
from content_tools.ktx2 import TEXTURE_MODES, TextureMode
from tests.support.bundles import write_bundle
from tests.support.corpus import corpus_present, missing_message
from tests.support.e2e import e2e_only, mark_e2e, not_collected, set_current
from tests.support.harness import ServerProcess, running_server
from tests.support.postgres import Postgres
from tests.support.s3_server import S3Server
from tests.support.schedule import longest_files_first
from vr_server.storage import SqlStore, migrate


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not corpus_present() and not _ci():
        terminalreporter.write_line(
            f"corpus: tests marked `corpus` were not collected: {missing_message()}"
        )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`-m "not e2e"` does not collect tests/e2e/ at all (tests/support/e2e.py)."""
    return True if not_collected(collection_path, config) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/e2e/ are marked `e2e`, and only they may start a real component
    (tests/support/e2e.py). Without the glTF corpus, its tests are left out (and the summary
    says so); under CI=true that is an error: CI always has the corpus, so its absence is a
    broken set-up. Under xdist, the files likely to take longest come first
    (tests/support/schedule.py)."""
    mark_e2e(items)
    longest_files_first(items)
    needing = [item for item in items if item.get_closest_marker("corpus")]
    if not needing or corpus_present():
        return
    if _ci():
        raise pytest.UsageError(f"{missing_message()}; {len(needing)} tests need it")
    items[:] = [item for item in items if not item.get_closest_marker("corpus")]
    config.hook.pytest_deselected(items=needing)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    set_current(item)  # before its fixtures start anything: require_e2e reads it


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    set_current(None)  # a module's server stops in the teardown of whichever test ran last


@pytest.fixture(scope="session")
def test_bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    write_bundle(dist)
    return dist


@pytest.fixture(scope="session")
@e2e_only
def postgres() -> Iterator[Postgres]:
    """The machine's PostgreSQL server (tests/support/postgres.py): fails, never skips, when it
    is down."""
    pg = Postgres()
    pg.check()
    pg.sweep()
    yield pg
    pg.drop_created()


@pytest.fixture(scope="session")
@e2e_only
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's S3-compatible server, a subprocess on a free port (tests/support/s3_server.py)."""
    server = S3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.e2e)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite in tmp_path, or a new PostgreSQL database (dropped after;
    that half is marked `e2e`, so the fast tier runs the SQLite half only)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
        return
    pg: Postgres = request.getfixturevalue("postgres")
    url = pg.create()
    yield url
    pg.drop(url)


@pytest.fixture
async def store(database_url: str):
    """A migrated store on a fresh database (SQLite, then PostgreSQL: `database_url`)."""
    s = SqlStore.from_url(database_url)
    await migrate(s)
    yield s
    await s.close()


@pytest.fixture(scope="module")
@e2e_only
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, test_bundles: Path
) -> Iterator[ServerProcess]:
    """One real server per test module, with a staff account and the test bundle.

    On SQLite; a test runs it on PostgreSQL too (a fresh database) with
    `@pytest.mark.parametrize("server", ["sqlite", "postgresql"], indirect=True)`. A module's
    `SERVER_SETTINGS` dict (setting name -> value) adds settings, e.g. {"api_docs": "true"}; a
    dict param gives more (lower-case names), its "backend" key the database."""
    param = getattr(request, "param", "sqlite")
    settings: dict[str, str] = {
        k: str(v) for k, v in getattr(request.module, "SERVER_SETTINGS", {}).items()
    }
    settings.update(param if isinstance(param, dict) else {"backend": param})
    backend = settings.pop("backend", "sqlite")
    pg: Postgres | None = None
    if backend == "postgresql":
        pg = request.getfixturevalue("postgres")
        settings["database_url"] = pg.create()
    try:
        with running_server(tmp_path_factory.mktemp("server"), [test_bundles], **settings) as proc:
            yield proc
    finally:
        if pg is not None:
            pg.drop(settings["database_url"])


SCENES_DIR = Path(__file__).resolve().parents[1] / "scenes"


def scene_dirs() -> list[Path]:
    """Every occupation scene folder in scenes/ (those with a scene.yaml)."""
    return sorted(path.parent for path in SCENES_DIR.glob("*/scene.yaml"))


def scene_library_compression() -> Compression:
    """How the scene library is packaged: `--compress meshopt` (what the headsets get) unless
    VR_TEST_SCENE_COMPRESSION names another method (none, meshopt-lossless, draco)."""
    value = os.environ.get("VR_TEST_SCENE_COMPRESSION", "meshopt")
    if value not in COMPRESSIONS:
        raise pytest.UsageError(f"VR_TEST_SCENE_COMPRESSION={value!r}: one of {COMPRESSIONS}")
    return cast(Compression, value)


def scene_library_textures() -> TextureMode:
    """How the scene library's textures are packaged: KTX2 (`--textures ktx2`, the quest
    profiles' default: what the headsets get) unless VR_TEST_SCENE_TEXTURES names another mode
    (keep: the PNG textures, e.g. to tell an encoding bug from an app bug)."""
    value = os.environ.get("VR_TEST_SCENE_TEXTURES", "ktx2")
    if value not in TEXTURE_MODES:
        raise pytest.UsageError(f"VR_TEST_SCENE_TEXTURES={value!r}: one of {TEXTURE_MODES}")
    return cast(TextureMode, value)
