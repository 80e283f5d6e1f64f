"""The builder kit shared by the occupation scenes' generators (`scenes/<id>/generate.py`).

- `shapes`: primitives (box, cylinder, rod, lathe, ellipsoid, torus, prism, ...), transforms,
  merging, crease shading and texture coordinates;
- `detail`: shapes for what the visitor handles up close (rounded boxes, closed revolved
  profiles with grip ridges, tubes along a path; cups, bottles, knobs, pull handles);
- `materials`: PBR materials and deterministic procedural textures (wood, tiles, metal, ...);
- `builder`: `SceneBuilder`, which collects named nodes, markers, lights and merged static
  geometry into a trimesh scene;
- `room`: floor, walls with windows, doors, ceiling and ceiling lights;
- `text`: signs, labels and screens in Thai and English (Noto Sans Thai), packed into a
  texture atlas per scene;
- `sound`: sounds synthesised with numpy (ambience, sizzle, drill, beep, bell, ...) and their
  deterministic Ogg Vorbis encoding;
- `export`: deterministic GLB export, atomic writes, the thumbnail, the `main(argv)` every
  generator calls, and `script_nodes` (the nodes scene.yaml's script needs).

Conventions (glTF): metres, +Y up, the visitor stands at the `spawn` node looking towards -Z.
A node's origin is the centre of its base, so its position is where it stands.

A generator runs as a script (`python generate.py [OUTPUT]`, run so by the packager) with its
scene folder as the working directory; it writes OUTPUT (default `scene.glb` beside it) and
`thumbnail.png` next to it, the same bytes every time. It first puts the repository root on
`sys.path` to import `scenes.kit`, then uses the kit through this package: `from scenes import
kit`, `kit.box(...)`, `kit.Room(...)`.
"""

from scenes.kit import sound
from scenes.kit.builder import Light, Parts, SceneBuilder, assemble
from scenes.kit.detail import (
    bottle,
    capsule,
    chamfered_cylinder,
    cup,
    glove,
    knob,
    mug,
    pull_handle,
    revolve,
    rounded_box,
    tap,
    tube,
)
from scenes.kit.export import main, script_nodes
from scenes.kit.furniture import (
    cabinet,
    carton,
    chair,
    clipboard,
    fire_extinguisher,
    monitor,
    pallet,
    plant,
    shelf_unit,
    stool,
    table,
    trash_bin,
    wall_clock,
)
from scenes.kit.materials import (
    RGB,
    RGBA,
    WHITE,
    Material,
    brushed_metal,
    checker,
    concrete,
    fabric,
    noise_texture,
    pegboard,
    plain,
    standard_materials,
    stripes,
    textured,
    tiles,
    wood_grain,
)
from scenes.kit.room import Door, Room, Window, ceiling_lights, room_materials
from scenes.kit.shapes import (
    box,
    cone,
    cylinder,
    ellipsoid,
    frame,
    lathe,
    look_at,
    merge,
    polyline,
    prism,
    rod,
    rotate_x,
    rotate_y,
    rotate_z,
    scale,
    scatter,
    side_cylinders,
    sphere,
    torus,
    translate,
    upright_torus,
)
from scenes.kit.text import Sign, clipboard_sheet, render_sign, signs, wrapped_label

__all__ = [
    "RGB",
    "RGBA",
    "WHITE",
    "Door",
    "Light",
    "Material",
    "Parts",
    "Room",
    "SceneBuilder",
    "Sign",
    "Window",
    "assemble",
    "bottle",
    "box",
    "brushed_metal",
    "cabinet",
    "capsule",
    "carton",
    "ceiling_lights",
    "chair",
    "chamfered_cylinder",
    "checker",
    "clipboard",
    "clipboard_sheet",
    "concrete",
    "cone",
    "cup",
    "cylinder",
    "ellipsoid",
    "fabric",
    "fire_extinguisher",
    "frame",
    "glove",
    "knob",
    "lathe",
    "look_at",
    "main",
    "merge",
    "monitor",
    "mug",
    "noise_texture",
    "pallet",
    "pegboard",
    "plain",
    "plant",
    "polyline",
    "prism",
    "pull_handle",
    "render_sign",
    "revolve",
    "rod",
    "room_materials",
    "rotate_x",
    "rotate_y",
    "rotate_z",
    "rounded_box",
    "scale",
    "scatter",
    "script_nodes",
    "shelf_unit",
    "side_cylinders",
    "signs",
    "sound",
    "sphere",
    "standard_materials",
    "stool",
    "stripes",
    "table",
    "tap",
    "textured",
    "tiles",
    "torus",
    "translate",
    "trash_bin",
    "tube",
    "upright_torus",
    "wall_clock",
    "wood_grain",
    "wrapped_label",
]
