"""What a generator's outputs were made from, so that `main` builds them only when that changed.

A generator is deterministic: the same inputs give the same `scene.glb`, `thumbnail.png` and
`sounds/*.ogg`. After writing them, `main` records beside the model (`.scene.glb.inputs.json`,
gitignored) what they were made from, as `gcc -MD` records a C file's headers:

- the sha256 of every file of the scene folder but the outputs (`generate.py`, `scene.yaml`,
  ...), and of every module of this repository the run imported (`scenes/kit/`,
  `content_tools/render/`, ...): the list is what the run really used, not a guess;
- the Python version, `PYTHONHASHSEED`, and the version of every third-party distribution
  whose modules it imported (numpy, trimesh, Pillow, ...);
- the sha256 of each output it wrote.

The next run (the packager runs the generator on every `vr-content package`, `scripts/run.sh`
on every start) reads that record first: when every recorded file still has its hash, the
scene folder has no other file, the versions are the same and the outputs are still the bytes
it wrote, it writes nothing and says so. Any other case (no record, a changed, added or removed
file, another numpy) builds everything again. Deleting the record forces a build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from content_tools.files import write_atomic

__all__ = ["Record", "outputs_of", "record_path"]

ROOT = Path(__file__).resolve().parents[2]
_SKIPPED_DIRS = frozenset({"__pycache__", "sounds"})


def record_path(model: Path) -> Path:
    """Where the record of `model`'s inputs is kept (beside it, hidden)."""
    return model.with_name(f".{model.name}.inputs.json")


def outputs_of(model: Path) -> list[Path]:
    """The files a generator writes for `model` that exist: the model, the thumbnail and the
    sounds."""
    sounds = model.parent / "sounds"
    found = sorted(sounds.glob("*.ogg")) if sounds.is_dir() else []
    return [p for p in (model, model.with_name("thumbnail.png"), *found) if p.is_file()]


class Record:
    """The inputs and outputs of one generator run (see the module's docstring)."""

    def __init__(self, here: Path, model: Path) -> None:
        self.here = here.resolve()
        self.model = model.resolve()
        self.path = record_path(self.model)

    def up_to_date(self) -> bool:
        """True when the recorded outputs are still what the recorded inputs make."""
        try:
            recorded = json.loads(self.path.read_text(encoding="utf-8"))
            files: dict[str, str] = recorded["files"]
            outputs: dict[str, str] = recorded["outputs"]
            if recorded["environment"] != _environment(recorded["distributions"]):
                return False
            if sorted(self._scene_files()) != sorted(p for p in files if p.startswith("scene:")):
                return False
            if any(_sha256(self._resolve(name)) != digest for name, digest in files.items()):
                return False
            current = {self._name(p): _sha256(p) for p in outputs_of(self.model)}
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return current == outputs

    def write(self) -> None:
        """Record what this process imported and read, and the outputs now beside the model."""
        files = {name: _sha256(self._resolve(name)) for name in self._scene_files()}
        for module in _repository_modules():
            files[f"repo:{module.relative_to(ROOT).as_posix()}"] = _sha256(module)
        distributions = _distributions()
        record = {
            "files": dict(sorted(files.items())),
            "distributions": sorted(distributions),
            "environment": _environment(distributions),
            "outputs": {self._name(p): _sha256(p) for p in outputs_of(self.model)},
        }
        write_atomic(self.path, json.dumps(record, indent=1).encode() + b"\n")

    def _scene_files(self) -> list[str]:
        """`scene:<path>` of every file of the scene folder but the outputs and the record."""
        skipped = {self.path, *outputs_of(self.model)}
        names = []
        for folder, dirs, found in os.walk(self.here):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
            for name in found:
                path = Path(folder, name)
                if path not in skipped and not name.startswith("."):
                    names.append(f"scene:{path.relative_to(self.here).as_posix()}")
        return names

    def _resolve(self, name: str) -> Path:
        kind, _, relative = name.partition(":")
        return (self.here if kind == "scene" else ROOT) / relative

    def _name(self, output: Path) -> str:
        return output.relative_to(self.model.parent).as_posix()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _repository_modules() -> Iterable[Path]:
    """The source file of every module of this repository imported so far."""
    found = set()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file is None:
            continue
        path = Path(file).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.relative_to(ROOT).parts:
            found.add(path)
    return sorted(found)


def _distributions() -> list[str]:
    """The third-party distributions whose modules were imported so far."""
    providers = _providers()
    names = {module.partition(".")[0] for module in list(sys.modules)}
    return sorted({dist for name in names for dist in providers.get(name, [])})


@functools.cache
def _providers() -> dict[str, list[str]]:
    """Top-level module name -> its distributions (one scan of site-packages per process)."""
    return dict(metadata.packages_distributions())


def _environment(distributions: Iterable[str]) -> dict[str, Any]:
    """Python's version, PYTHONHASHSEED and the installed version of each distribution."""
    return {
        "python": sys.version,
        "hash_seed": os.environ.get("PYTHONHASHSEED"),
        "versions": {name: _version(name) for name in distributions},
    }


@functools.cache
def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
