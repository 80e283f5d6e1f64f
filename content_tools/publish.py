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
Running sessions keep the version they started with. See docs/publishing.md.

Exit status:
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
import sys
from collections.abc import Callable, Iterator
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

from content_tools.bundle import MANIFEST_NAME, iter_bundles, load_bundle
from content_tools.errors import ContentError
from content_tools.format.manifest import AssetRef, BundleManifest

__all__ = [
    "COMMANDS",
    "EXIT_CONTENT",
    "EXIT_OK",
    "EXIT_SERVER",
    "EXIT_USAGE",
    "add_parser",
    "run",
]

COMMANDS = ("publish", "rollback", "versions")
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_SERVER = 3
DEFAULT_SERVER = "http://localhost:8000"
UPLOAD_CHUNK = 256 * 1024
_CONNECT_TIMEOUT_S = 30.0
_READ_TIMEOUT_S = 300.0  # a publish re-validates the model on the server

if TYPE_CHECKING:  # httpx is imported when a command talks to a server (it is slow to import)
    import httpx


class _Stop(Exception):
    """Ends the command with an exit status and one message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Refused(Exception):
    """The server refused a request with HTTP 4xx (not 401/403): the content's fault."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def add_parser(commands: Any) -> None:
    """Add the publish, rollback and versions subcommands to `vr-content`'s subparsers."""

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--server",
            default=os.environ.get("VR_SERVER_URL", DEFAULT_SERVER),
            help="the server's URL (default: $VR_SERVER_URL or %(default)s)",
        )
        parser.add_argument("--token", help="an author token (default: $VR_AUTHOR_TOKEN)")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object describing the run"
        )

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
    common(publish)
    rollback = commands.add_parser(
        "rollback",
        help="make a stored version of a scene the active one",
        description="Make VERSION (any stored version) the active version of SCENE_ID.",
    )
    rollback.add_argument("scene_id", metavar="SCENE_ID")
    rollback.add_argument("version", metavar="VERSION")
    common(rollback)
    versions = commands.add_parser(
        "versions",
        help="list the stored versions of a scene",
        description="List the stored versions of SCENE_ID; the active one is marked with *.",
    )
    versions.add_argument("scene_id", metavar="SCENE_ID")
    common(versions)


def run(args: argparse.Namespace) -> int:
    """Run one of COMMANDS; returns the exit status."""
    report: dict[str, Any] = {"ok": False, "command": args.command, "server": args.server}
    try:
        token = args.token or os.environ.get("VR_AUTHOR_TOKEN")
        if not token:
            raise _Stop(
                EXIT_USAGE,
                "no author token: pass --token or set VR_AUTHOR_TOKEN "
                "(`vr-server author token NAME` issues one)",
            )
        if args.command == "publish":
            return _publish(args, token, report)
        with _Api(args.server, token) as api:
            if args.command == "rollback":
                return _rollback(args, api, report)
            return _versions(args, api, report)
    except _Stop as stop:
        report["error"] = stop.message
        _error(stop.message)
        if args.json:
            _json(report)
        return stop.status


# ---------------------------------------------------------------------------- HTTP


class _Api:
    def __init__(self, server: str, token: str) -> None:
        import httpx

        self.server = server
        self.client = httpx.Client(
            base_url=server.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(_CONNECT_TIMEOUT_S, read=_READ_TIMEOUT_S),
        )

    def __enter__(self) -> _Api:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The response's JSON; raises _Refused for 4xx, _Stop(3) for everything else."""
        import httpx

        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise _Stop(EXIT_SERVER, f"cannot reach the server at {self.server}: {exc}") from exc
        if response.status_code < 400:
            try:
                return response.json()
            except ValueError as exc:
                raise _Stop(EXIT_SERVER, f"{self.server} did not answer with JSON") from exc
        detail = _detail(response)
        if response.status_code in (401, 403):
            raise _Stop(
                EXIT_SERVER,
                f"the server refused the author token (HTTP {response.status_code}): {detail}",
            )
        if response.status_code >= 500:
            raise _Stop(EXIT_SERVER, f"the server failed (HTTP {response.status_code}): {detail}")
        raise _Refused(response.status_code, detail)


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:500]
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return str(data["detail"])
    return json.dumps(data.get("detail", data) if isinstance(data, dict) else data)[:500]


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
            raise _Stop(EXIT_USAGE, f"{dist}: no such folder")
        bundles = list(iter_bundles(dist))
        if not bundles:
            raise _Stop(
                EXIT_USAGE,
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

    with _Api(args.server, token) as api:
        assets = _assets(bundles)
        answer = api.call("POST", "/api/content/blobs/missing", json={"sha256": list(assets)})
        missing = [sha for sha in answer["missing"] if sha in assets]
        report["missing"] = missing
        _check_limits(bundles, int(answer["max_upload_bytes"]), int(answer["max_model_bytes"]))
        _upload(api, bundles, assets, missing, report, quiet=args.json)
        for bundle in bundles:
            if not bundle.ok:
                continue
            body = {
                "manifest": json.loads((bundle.folder / MANIFEST_NAME).read_bytes()),
                "activate": not args.no_activate,
            }
            try:
                bundle.result.update(api.call("POST", "/api/content/scenes", json=body))
            except _Refused as refused:
                bundle.fail(refused.message, refused.status_code)
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
    api: _Api,
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
                api.call(
                    "PUT",
                    f"/api/content/blobs/{sha}",
                    params={"size": asset.size},
                    headers={
                        "Content-Type": "application/octet-stream",
                        "Content-Length": str(asset.size),
                    },
                    content=_read_chunks(path, lambda n: progress.advance(task, n)),
                )
            except _Refused as refused:
                for bundle in users:
                    bundle.fail(f"{asset.path}: {refused.message}", refused.status_code)
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
        _error(f"{what} refused: {bundle.result['error']['message']}")
    if error is not None:
        _error(error)
    if args.json:
        _json(report)
    else:
        for bundle in bundles:
            if bundle.ok:
                print(_published_line(bundle.result))
        uploaded = report.get("uploaded", [])
        if "missing" in report:
            print(f"uploaded {len(uploaded)} file(s), {report['uploaded_bytes']} bytes")
    return EXIT_CONTENT if failed else EXIT_OK


def _published_line(result: dict[str, Any]) -> str:
    head = f"{result['scene_id']} {result['version']}: "
    head += "published" if result["new"] else "already published"
    if result["activated"]:
        previous = result.get("previous_active")
        was = f" (was {previous})" if previous and previous != result["version"] else ""
        return f"{head}, active{was}"
    return f"{head}, not active (active: {result['active_version']})"


# ---------------------------------------------------------------------------- rollback, versions


def _rollback(args: argparse.Namespace, api: _Api, report: dict[str, Any]) -> int:
    try:
        data = api.call(
            "POST", f"/api/content/scenes/{args.scene_id}/activate", json={"version": args.version}
        )
    except _Refused as refused:
        raise _Stop(EXIT_CONTENT, refused.message) from None
    report.update(data, ok=True)
    if args.json:
        _json(report)
    else:
        print(
            f"{data['scene_id']}: active version {data['active_version']} "
            f"(was {data['previous_active']})"
        )
    return EXIT_OK


def _versions(args: argparse.Namespace, api: _Api, report: dict[str, Any]) -> int:
    try:
        data = api.call("GET", f"/api/content/scenes/{args.scene_id}/versions")
    except _Refused as refused:
        raise _Stop(EXIT_CONTENT, refused.message) from None
    report.update(data, ok=True)
    if args.json:
        _json(report)
    else:
        for v in data["versions"]:
            mark = "*" if v["active"] else " "
            print(
                f"{mark} {v['version']:12} {v['published_at'][:19]}  "
                f"model {v['glb_size']} bytes, sha256 {v['glb_sha256'][:12]}"
            )
    return EXIT_OK


def _json(report: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(report, sort_keys=True, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
