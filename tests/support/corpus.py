"""Where the third-party glTF corpus is, for the tests and benchmarks that need it.

The corpus (Khronos glTF-Validator test cases and real models, mixed licences) is kept out of
this repository: `VR_GLTF_CORPUS` names its folder, by default `../shared/gltf-corpus` beside
the repository. docs/testing.md says where its files come from.

Tests that read it carry the `corpus` marker. When the folder is missing they are not
collected and the run says so in one line; under `CI=true` a missing corpus is an error
(tests/conftest.py), never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO.parent / "shared" / "gltf-corpus"
ENV = "VR_GLTF_CORPUS"


def corpus_dir() -> Path:
    """The corpus folder: `VR_GLTF_CORPUS`, or ../shared/gltf-corpus beside the repository."""
    configured = os.environ.get(ENV)
    return Path(configured).expanduser() if configured else DEFAULT


def corpus_present() -> bool:
    """True when the corpus folder holds both of its parts."""
    root = corpus_dir()
    return (root / "khronos-tests").is_dir() and (root / "models").is_dir()


def missing_message() -> str:
    return (
        f"the glTF corpus is not at {corpus_dir()} (set {ENV}; docs/testing.md says where its "
        "files come from)"
    )
