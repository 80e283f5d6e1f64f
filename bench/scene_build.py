"""Every scene's generator run as the packager runs it, one after another: the triangles and
draw calls of the GLB it writes and the CPU seconds it took (the model with its baked light,
the thumbnail and the sounds). The figures behind scenes/README.md, "Detail where the visitor
looks".

    .venv/bin/python -m bench.scene_build [SCENE_ID ...]

Triangles and draw calls are exact (counted over the nodes' primitives, instances included, as
the scene library test counts them); CPU seconds are one run on whatever else the machine does.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from content_tools.glb import parse_glb

ROOT = Path(__file__).resolve().parents[1]
SCENES = ROOT / "scenes"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(scene_id: str, out: Path) -> tuple[int, int, float]:
    """(triangles, draw calls, CPU seconds) of one run of the scene's generator."""
    glb = out / f"{scene_id}.glb"
    before = _cpu()
    subprocess.run(
        [sys.executable, "generate.py", str(glb)],
        cwd=SCENES / scene_id,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = _cpu() - before
    document, _ = parse_glb(glb.read_bytes(), path=glb)
    primitives = [
        primitive
        for node in document["nodes"]
        if "mesh" in node
        for primitive in document["meshes"][node["mesh"]]["primitives"]
    ]
    triangles = sum(document["accessors"][p["indices"]]["count"] // 3 for p in primitives)
    return triangles, len(primitives), seconds


def main() -> None:
    ids = sys.argv[1:] or sorted(p.parent.name for p in SCENES.glob("*/scene.yaml"))
    total = 0.0
    print("| scene | triangles | draw calls | generator CPU s |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for scene_id in ids:
            triangles, draw_calls, seconds = measure(scene_id, Path(tmp))
            total += seconds
            print(f"| `{scene_id}` | {triangles:,} | {draw_calls} | {seconds:.1f} |", flush=True)
    print(f"| all | | | {total:.1f} |")


if __name__ == "__main__":
    main()
