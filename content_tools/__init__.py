"""Content tools: the scene format, the packager and the `vr-content` CLI.

The public pieces live in their modules and are kept out of this file so that importing
`content_tools.format` (as the server does) stays cheap:

- `content_tools.format`: the scene source (`scene.yaml`) and bundle manifest models
- `content_tools.source`: `load_scene_source`, `run_generator`
- `content_tools.package`: `package_scene`, `load_bundle`, `iter_bundles`
- `content_tools.errors`: `ContentError` and its subclasses
"""

__version__ = "0.1.0"
