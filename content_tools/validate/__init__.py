"""`vr-content validate`: glTF validity (Khronos glTF-Validator codes), Quest budgets, and the
session script against the scene.

- `content_tools.validate.issues`: `Issue`, `Severity`, `IssueSink`
- `content_tools.validate.info`: `GltfInfo`, the figures a model's checks measure
- `content_tools.validate.gltf`: `validate_gltf`, the glTF 2.0 checks
- `content_tools.validate.budget`: budget profiles and `check_budget`
- `content_tools.validate.script`: the session script against the scene's nodes
- `content_tools.validate.run`: `validate_path`, one report per file
- `content_tools.validate.report`: the Khronos-like JSON report and the readable one
"""
