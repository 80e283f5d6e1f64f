"""content_tools.bundle: reading a bundle from any BundleFiles source, and the validator on
such a source (what the server does with the blobs it stores)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from content_tools.bundle import (
    MANIFEST_NAME,
    BundleManifest,
    FolderFiles,
    load_bundle,
    manifest_bytes,
    open_bundle,
)
from content_tools.errors import BundleError
from content_tools.package import package_scene
from content_tools.validate.gltf.resources import read_named
from content_tools.validate.run import FileReport, validate_bundle, validate_bundle_files
from tests.content_tools.conftest import MakeScene


class MemoryFiles:
    """A bundle held in memory: the BundleFiles protocol without a folder."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.reads: list[str] = []

    def path(self, name: str) -> Path:
        return Path(name)

    def _get(self, name: str) -> bytes:
        if name not in self.files:
            raise FileNotFoundError(name)
        return self.files[name]

    def size(self, name: str) -> int:
        return len(self._get(name))

    def sha256(self, name: str) -> str:
        return hashlib.sha256(self._get(name)).hexdigest()

    def read(self, name: str, max_bytes: int) -> bytes:
        self.reads.append(name)
        return self._get(name)[: max_bytes + 1]


@pytest.fixture
def bundle(make_scene: MakeScene, tmp_path: Path) -> Path:
    return package_scene(make_scene(), tmp_path / "dist").bundle_dir


def in_memory(bundle_dir: Path) -> MemoryFiles:
    return MemoryFiles({path.name: path.read_bytes() for path in bundle_dir.iterdir()})


def test_a_bundle_reads_the_same_from_a_folder_and_from_memory(bundle: Path) -> None:
    memory = in_memory(bundle)
    manifest = open_bundle(memory)
    assert manifest == load_bundle(bundle) == open_bundle(FolderFiles(bundle))
    assert manifest_bytes(manifest) == (bundle / MANIFEST_NAME).read_bytes()


def test_open_bundle_checks_every_asset(bundle: Path) -> None:
    manifest = load_bundle(bundle)
    glb = manifest.glb.path
    tampered = in_memory(bundle)
    tampered.files[glb] = bytes([tampered.files[glb][0] ^ 1]) + tampered.files[glb][1:]
    with pytest.raises(BundleError, match=f"^{glb}: asset sha256 is .*changed or corrupt"):
        open_bundle(tampered)
    shorter = in_memory(bundle)
    shorter.files[glb] = shorter.files[glb][:-4]
    with pytest.raises(BundleError, match="bytes but the manifest says"):
        open_bundle(shorter)
    missing = in_memory(bundle)
    del missing.files[glb]
    with pytest.raises(BundleError, match=f"^{glb}: asset named in the manifest is missing"):
        open_bundle(missing)
    del missing.files[MANIFEST_NAME]
    with pytest.raises(BundleError, match=r"not a bundle: no manifest\.json"):
        open_bundle(missing)


def test_validating_from_memory_reports_what_the_folder_reports(bundle: Path) -> None:
    def summary(reports: list[FileReport]) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            (Path(r.uri).name, [(i.code, i.message) for i in r.issues.messages]) for r in reports
        ]

    memory = in_memory(bundle)
    from_memory = validate_bundle_files(memory)
    assert summary(from_memory) == summary(validate_bundle(bundle))
    assert [Path(r.uri).name for r in from_memory] == [MANIFEST_NAME, load_bundle(bundle).glb.path]
    assert from_memory[1].info is not None
    assert from_memory[1].info.nodes_known
    # the model is read through the source, not from a folder
    assert load_bundle(bundle).glb.path in memory.reads


def test_validating_from_memory_refuses_a_tampered_asset(bundle: Path) -> None:
    memory = in_memory(bundle)
    manifest = BundleManifest.model_validate_json(memory.files[MANIFEST_NAME])
    memory.files[manifest.glb.path] += b"\0\0\0\0"
    (report,) = validate_bundle_files(memory)
    assert [issue.code for issue in report.issues.messages] == ["BUNDLE_INVALID"]
    assert report.issues.messages[0].message.startswith(f"{manifest.glb.path}: asset has")


def test_read_named_serves_only_names_of_the_source() -> None:
    files = MemoryFiles({"a.bin": b"abc", "manifest.json": b"{}"})
    assert read_named("a.bin", read=files.read) == b"abc"
    assert read_named("sub/../a.bin", read=files.read) == b"abc"
    assert read_named("../a.bin", read=files.read) == ("URI_OUTSIDE_ROOT", "../a.bin")
    assert read_named("/a.bin", read=files.read) == ("URI_OUTSIDE_ROOT", "/a.bin")
    assert read_named("b.bin", read=files.read) == ("IO_ERROR", "Resource not found (b.bin).")
    assert read_named("a.bin", read=files.read, max_bytes=2) == ("RESOURCE_TOO_LARGE", "a.bin")
    assert read_named("http://x/a.bin", read=files.read)[0] == "IO_ERROR"
