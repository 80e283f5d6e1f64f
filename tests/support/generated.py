"""An occupation scene with its model built in this process, for the fast tier.

`package_scene` on a folder of scenes/ runs the scene's generator as a subprocess (a fresh
Python that imports trimesh and the renderer: seconds). `generated_copy` copies the scene,
builds the model, renders the thumbnail and writes the sounds here, exactly as `python
generate.py` does (`scenes.kit.export.main`: `export_glb(build(), NODES)`, the thumbnail,
`write_sounds(sounds())`), and takes the
generator line out of the copy's scene.yaml, so packaging the copy starts no process. That
the generator run as a process gives these same bytes is an e2e test
(tests/e2e/scenes/test_scene_library.py::test_scene_packaging_is_deterministic)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

from content_tools.source import load_scene_source

GENERATOR_LINE = "\ngenerator: generate.py\n"


def generated_copy(scene_dir: Path, folder: Path) -> Path:
    """`scene_dir` copied into `folder/<its name>` with its model and thumbnail built in
    process and no generator line; returns the copy."""
    name = scene_dir.name
    copy = folder / name
    shutil.copytree(
        scene_dir,
        copy,
        ignore=shutil.ignore_patterns(
            "__pycache__", "*.py", "scene.glb", "thumbnail.png", "sounds"
        ),
    )
    generator: Any = importlib.import_module(f"scenes.{name}.generate")
    export: Any = importlib.import_module("scenes.kit.export")
    source = load_scene_source(scene_dir)
    glb = bytes(export.export_glb(generator.build(), generator.NODES))
    (copy / source.model).write_bytes(glb)
    png = export.render_thumbnail(glb)
    assert png is not None, "content_tools.render is part of the project: it must import"
    (copy / export.THUMBNAIL_NAME).write_bytes(png)
    if hasattr(generator, "sounds"):  # the scene's sound files, as `kit.main` writes them
        importlib.import_module("scenes.kit.sound").write_sounds(copy, generator.sounds())
    text = (scene_dir / "scene.yaml").read_text(encoding="utf-8")
    assert GENERATOR_LINE in text, f"{scene_dir} has no generator line"
    (copy / "scene.yaml").write_text(text.replace(GENERATOR_LINE, "\n"), encoding="utf-8")
    return copy
