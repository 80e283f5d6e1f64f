"""`vr-content publish`, `rollback` and `versions`: put packaged bundles on a running server.

    vr-content publish DIST... [--no-activate]   check, upload what is missing, publish
    vr-content rollback SCENE_ID VERSION         make a stored version the active one
    vr-content versions SCENE_ID                 list the stored versions, marking the active one

Each takes `--server URL` (default $VR_SERVER_URL or http://localhost:8000), `--token T`
(default $VR_AUTHOR_TOKEN; `vr-server author token NAME` issues one) and `--json` (stdout then
carries exactly one JSON object). DIST is a bundle folder or a folder of bundles, as written by
`vr-content package`. Publishing checks every bundle locally first (manifest, sizes, sha256),
asks the server which files it lacks, uploads only those (with a progress bar), then publishes
each manifest; the server validates it again and, unless --no-activate, makes it active.
Running sessions keep the version they started with. See docs/publishing.md. The requests go
through the typed client in content_tools/publish_client.py.

Exit status (content_tools/exit_codes.py):
    0  done
    1  content refused: a bundle is invalid here, or the server refused it (HTTP 4xx: a file
       that does not match, an invalid model or script, a version that exists with other
       content, a file or model over the server's limit, an unknown scene or version)
    2  wrong usage: bad arguments, no token, a DIST that holds no bundle
    3  the server is unreachable, failed (HTTP 5xx), or refused the token (HTTP 401/403)
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from content_tools import publish_client
from content_tools.bundle import MANIFEST_NAME, iter_bundles, load_bundle
from content_tools.cli.common import print_error, write_json
from content_tools.errors import ContentError
from content_tools.exit_codes import ExitCode
from content_tools.format.manifest import AssetRef, BundleManifest
from content_tools.publish_client import PublishClient, Refused

if TYPE_CHECKING:  # httpx is imported when a command talks to a server (it is slow to import)
    import httpx

__all__ = ["add_parser", "connect", "run"]

DEFAULT_SERVER = "http://localhost:8000"
UPLOAD_CHUNK = 256 * 1024
connect: Callable[[str, str], httpx.Client] = publish_client.open_http
"""How a command opens its `httpx.Client`: tests put one on an httpx.MockTransport here."""


class _Stop(Exception):
    """Ends the command with an exit status and one message."""

    def __init__(self, status: ExitCode, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def add_parser(commands: Any) -> None:
    """Add the publish, rollback and versions subcommands to `vr-content`'s subparsers."""
    publish = commands.add_parser(
        "publish",
        help="publish bundles to a server",
        description="Check the bundles in DIST, upload what the server lacks, publish them.",
    )
    publish.add_argument("dist", nargs="+", type=Path, metavar="DIST")
    publish.add_argument(
        "--no-activate",
        action="store_true",
        help="store the versions without making them active (activate later with rollback)",
    )
    rollback = commands.add_parser(
        "rollback",
        help="make a stored version of a scene the active one",
        description="Make VERSION (any stored version) the active version of SCENE_ID.",
    )
    rollback.add_argument("scene_id", metavar="SCENE_ID")
    rollback.add_argument("version", metavar="VERSION")
    versions = commands.add_parser(
        "versions",
        help="list the stored versions of a scene",
        description="List the stored versions of SCENE_ID; the active one is marked with *.",
    )
    versions.add_argument("scene_id", metavar="SCENE_ID")
    for parser in (publish, rollback, versions):
        parser.add_argument(
            "--server",
            default=os.environ.get("VR_SERVER_URL", DEFAULT_SERVER),
            help="the server's URL (default: $VR_SERVER_URL or %(default)s)",
        )
        parser.add_argument("--token", help="an author token (default: $VR_AUTHOR_TOKEN)")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object describing the run"
        )
        parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run publish, rollback or versions; returns the exit status."""
    report: dict[str, Any] = {"ok": False, "command": args.command, "server": args.server}
    try:
        token = args.token or os.environ.get("VR_AUTHOR_TOKEN")
        if not token:
            raise _Stop(
                ExitCode.USAGE,
                "no author token: pass --token or set VR_AUTHOR_TOKEN "
                "(`vr-server author token NAME` issues one)",
            )
        if args.command == "publish":
            return _publish(args, token, report)
        with _client(args.server, token) as api:
            if args.command == "rollback":
                return _rollback(args, api, report)
            return _versions(args, api, report)
    except _Stop as stop:
        report["error"] = stop.message
        print_error(stop.message)
        if args.json:
            write_json(report)
        return stop.status


# ---------------------------------------------------------------------------- HTTP


@contextmanager
def _client(server: str, token: str) -> Iterator[PublishClient]:
    """A PublishClient for `server`; a refusal its user does not catch ends the command with
    ExitCode.FAILURE (the content's fault), any other problem with ExitCode.SERVER."""
    http = connect(server, token)
    try:
        yield PublishClient(http)
    except publish_client.Unreachable as exc:
        raise _Stop(ExitCode.SERVER, f"cannot reach the server at {server}: {exc}") from exc
    except publish_client.BadAnswer as exc:
        raise _Stop(ExitCode.SERVER, f"{server} {exc}") from exc
    except publish_client.TokenRefused as exc:
        raise _Stop(
            ExitCode.SERVER,
            f"the server refused the author token (HTTP {exc.status_code}): {exc.detail}",
        ) from None
    except publish_client.ServerFailed as exc:
        raise _Stop(
            ExitCode.SERVER, f"the server failed (HTTP {exc.status_code}): {exc.detail}"
        ) from None
    except Refused as exc:  # not caught per bundle: the whole command's content was refused
        raise _Stop(ExitCode.FAILURE, exc.detail) from None
    finally:
        http.close()


# ---------------------------------------------------------------------------- publish


@dataclass
class _Bundle:
    folder: Path
    manifest: BundleManifest | None = None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.manifest is not None and "error" not in self.result

    def fail(self, message: str, status_code: int | None = None) -> None:
        self.result["error"] = {"message": message, "status": status_code}


def _find_bundles(dists: list[Path]) -> list[Path]:
    found: dict[Path, None] = {}
    for dist in dists:
        if (dist / MANIFEST_NAME).is_file():
            found[dist] = None
            continue
        if not dist.is_dir():
            raise _Stop(ExitCode.USAGE, f"{dist}: no such folder")
        bundles = list(iter_bundles(dist))
        if not bundles:
            raise _Stop(
                ExitCode.USAGE,
                f"{dist}: not a bundle and holds no bundles (folders with {MANIFEST_NAME}); "
                "run `vr-content package` first",
            )
        found.update(dict.fromkeys(bundles))
    return list(found)


def _publish(args: argparse.Namespace, token: str, report: dict[str, Any]) -> int:
    bundles = [_Bundle(folder) for folder in _find_bundles(args.dist)]
    for bundle in bundles:  # every bundle is checked before anything is sent
        bundle.result = {"bundle_dir": str(bundle.folder)}
        try:
            bundle.manifest = load_bundle(bundle.folder)
        except ContentError as exc:
            bundle.fail(str(exc))
        else:
            bundle.result.update(scene_id=bundle.manifest.scene_id, version=bundle.manifest.version)
    report["results"] = [b.result for b in bundles]
    report["uploaded"] = []
    if any(not b.ok for b in bundles):
        return _finish(args, report, bundles, "not published: fix the bundles first")

    with _client(args.server, token) as api:
        assets = _assets(bundles)
        answer = api.missing_blobs(list(assets))
        missing = [sha for sha in answer.missing if sha in assets]
        report["missing"] = missing
        _check_limits(bundles, answer.max_upload_bytes, answer.max_model_bytes)
        _upload(api, bundles, assets, missing, report, quiet=args.json)
        for bundle in bundles:
            if not bundle.ok:
                continue
            manifest = json.loads((bundle.folder / MANIFEST_NAME).read_bytes())
            try:
                published = api.publish(manifest, activate=not args.no_activate)
            except Refused as refused:
                bundle.fail(refused.detail, refused.status_code)
            else:
                bundle.result.update(published.model_dump(mode="json"))
    return _finish(args, report, bundles, None)


def _assets(bundles: list[_Bundle]) -> dict[str, tuple[AssetRef, Path, list[_Bundle]]]:
    """Every asset of the bundles by sha256: its reference, one file holding it, its users."""
    assets: dict[str, tuple[AssetRef, Path, list[_Bundle]]] = {}
    for bundle in bundles:
        assert bundle.manifest is not None  # noqa: S101 - type narrowing, not an input check
        for asset in bundle.manifest.assets():
            entry = assets.setdefault(asset.sha256, (asset, bundle.folder / asset.path, []))
            entry[2].append(bundle)
    return assets


def _check_limits(bundles: list[_Bundle], max_upload: int, max_model: int) -> None:
    for bundle in bundles:
        assert bundle.manifest is not None  # noqa: S101 - type narrowing, not an input check
        glb = bundle.manifest.glb
        if glb.size > max_model:
            bundle.fail(
                f"the model has {glb.size} bytes; the server accepts models of up to "
                f"{max_model} bytes (VR_MAX_MODEL_MB)",
                413,
            )
            continue
        for asset in bundle.manifest.assets():
            if asset.size > max_upload:
                bundle.fail(
                    f"{asset.path} has {asset.size} bytes; the server accepts files of up to "
                    f"{max_upload} bytes (VR_MAX_UPLOAD_MB)",
                    413,
                )
                break


def _upload(
    api: PublishClient,
    bundles: list[_Bundle],
    assets: dict[str, tuple[AssetRef, Path, list[_Bundle]]],
    missing: list[str],
    report: dict[str, Any],
    *,
    quiet: bool,
) -> None:
    todo = [sha for sha in missing if all(b.ok for b in assets[sha][2])]
    total = sum(assets[sha][0].size for sha in todo)
    console = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not todo,
    ) as progress:
        task = progress.add_task(f"uploading {len(todo)} file(s)", total=total)
        for sha in todo:
            asset, path, users = assets[sha]
            if not all(b.ok for b in users):
                continue  # a bundle that needs it was refused meanwhile
            try:
                chunks = _read_chunks(path, lambda n: progress.advance(task, n))
                api.upload_blob(sha, asset.size, chunks)
            except Refused as refused:
                for bundle in users:
                    bundle.fail(f"{asset.path}: {refused.detail}", refused.status_code)
                continue
            report["uploaded"].append({"sha256": sha, "size": asset.size, "path": str(path)})


def _read_chunks(path: Path, advance: Callable[[int], None]) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(UPLOAD_CHUNK):
            advance(len(chunk))
            yield chunk


def _finish(
    args: argparse.Namespace, report: dict[str, Any], bundles: list[_Bundle], error: str | None
) -> int:
    failed = [b for b in bundles if not b.ok]
    report["ok"] = not failed
    for bundle in bundles:
        bundle.result["ok"] = bundle.ok
    report["uploaded_bytes"] = sum(u["size"] for u in report.get("uploaded", []))
    if error is not None:
        report["error"] = error
    for bundle in failed:
        name = bundle.result.get("scene_id")
        what = f"{name} {bundle.result['version']}" if name else str(bundle.folder)
        print_error(f"{what} refused: {bundle.result['error']['message']}")
    if error is not None:
        print_error(error)
    if args.json:
        write_json(report)
    else:
        for bundle in bundles:
            if bundle.ok:
                print(_published_line(bundle.result))
        uploaded = report.get("uploaded", [])
        if "missing" in report:
            print(f"uploaded {len(uploaded)} file(s), {report['uploaded_bytes']} bytes")
    return ExitCode.FAILURE if failed else ExitCode.OK


def _published_line(result: dict[str, Any]) -> str:
    head = f"{result['scene_id']} {result['version']}: "
    head += "published" if result["new"] else "already published"
    if result["activated"]:
        previous = result.get("previous_active")
        was = f" (was {previous})" if previous and previous != result["version"] else ""
        return f"{head}, active{was}"
    return f"{head}, not active (active: {result['active_version']})"


# ---------------------------------------------------------------------------- rollback, versions


def _rollback(args: argparse.Namespace, api: PublishClient, report: dict[str, Any]) -> int:
    data = api.activate(args.scene_id, args.version)
    report.update(data.model_dump(mode="json"), ok=True)
    if args.json:
        write_json(report)
    else:
        print(f"{data.scene_id}: active version {data.active_version} (was {data.previous_active})")
    return ExitCode.OK


def _versions(args: argparse.Namespace, api: PublishClient, report: dict[str, Any]) -> int:
    data = api.versions(args.scene_id)
    report.update(data.model_dump(mode="json"), ok=True)
    if args.json:
        write_json(report)
    else:
        for v in data.versions:
            mark = "*" if v.active else " "
            print(
                f"{mark} {v.version:12} {v.published_at:%Y-%m-%dT%H:%M:%S}  "
                f"model {v.glb_size} bytes, sha256 {v.glb_sha256[:12]}"
            )
    return ExitCode.OK
