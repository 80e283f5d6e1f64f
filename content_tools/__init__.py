"""Content tools: the scene format, bundles, the validator, the packager and the `vr-content` CLI.

The public pieces live in their modules and are kept out of this file so that importing
`content_tools.format` or `content_tools.bundle` (as the server does) stays cheap:

- `content_tools.format`: the scene source (`scene.yaml`) and bundle manifest models
- `content_tools.bundle`: reading bundles from a folder or any `BundleFiles` source:
  `open_bundle`, `load_bundle`, `iter_bundles`, `manifest_bytes`
- `content_tools.glb`: the GLB container, read (`scan_glb`, `parse_glb`) and written
- `content_tools.validate`: glTF, budget and script checks (`validate.run`)
- `content_tools.source`: `load_scene_source`, `run_generator`
- `content_tools.package`: `package_scene` (a leaf: numpy, meshoptimizer, Draco; only the CLI
  imports it)
- `content_tools.render`: software thumbnails
- `content_tools.errors`: `ContentError` and its subclasses
"""

__version__ = "0.1.0"
