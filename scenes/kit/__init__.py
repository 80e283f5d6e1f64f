"""The builder kit shared by the occupation scenes' generators (`scenes/<id>/generate.py`).

- `shapes`: primitives (box, cylinder, rod, lathe, ellipsoid, torus, prism, ...), transforms,
  merging, crease shading and texture coordinates;
- `materials`: PBR materials and deterministic procedural textures (wood, tiles, metal, ...);
- `builder`: `SceneBuilder`, which collects named nodes, markers, lights and merged static
  geometry into a trimesh scene;
- `room`: floor, walls with windows, doors, ceiling and ceiling lights;
- `export`: deterministic GLB export, atomic writes, the thumbnail, and the `main(argv)` every
  generator calls.

Conventions (glTF): metres, +Y up, the visitor stands at the `spawn` node looking towards -Z.
A node's origin is the centre of its base, so its position is where it stands.

A generator runs as a script (`python generate.py OUTPUT`) with its scene folder as the working
directory, so it first puts the repository root on `sys.path` to import `scenes.kit`.
"""
