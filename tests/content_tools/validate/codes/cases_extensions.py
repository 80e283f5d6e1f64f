"""Per-code cases for extensions: declarations (extensionsUsed / extensionsRequired), where an
extension may appear, and each extension's own checks (lights, materials, texture transform,
variants, animation pointer).

Every case was checked against the npm reference (code present on `triggers`, absent on
`clean`).
"""

from __future__ import annotations

from typing import Any

from tests.content_tools.validate.codes.cases import CodeCase, gltf

__all__ = ["CASES"]

POSITIONS = {"type": "VEC3", "componentType": 5126, "count": 3, "min": [0] * 3, "max": [1] * 3}
UVS = {"type": "VEC2", "componentType": 5126, "count": 3}


def material_doc(extensions: dict[str, Any], **material: Any) -> dict[str, Any]:
    """One material with these extensions (declared), on a triangle with one UV set."""
    return gltf(
        extensionsUsed=sorted(extensions),
        materials=[{**material, "extensions": extensions}],
        textures=[{}],
        meshes=[{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1}, "material": 0}]}],
        accessors=[POSITIONS, UVS],
    )


def undeclared(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """`doc` with `name` left out of extensionsUsed: the reference does not load it, but its
    object stays among the material's extensions (present for the other extensions' rules)."""
    return {**doc, "extensionsUsed": [used for used in doc["extensionsUsed"] if used != name]}


def lights_doc(node_light: dict[str, Any], root: bool = True) -> dict[str, Any]:
    doc = gltf(
        extensionsUsed=["KHR_lights_punctual"],
        nodes=[{"extensions": {"KHR_lights_punctual": node_light}}],
        scenes=[{"nodes": [0]}],
        scene=0,
    )
    if root:
        doc["extensions"] = {"KHR_lights_punctual": {"lights": [{"type": "point"}]}}
    return doc


def light_doc(light: dict[str, Any]) -> dict[str, Any]:
    return gltf(
        extensionsUsed=["KHR_lights_punctual"],
        extensions={"KHR_lights_punctual": {"lights": [light]}},
        nodes=[{"extensions": {"KHR_lights_punctual": {"light": 0}}}],
        scenes=[{"nodes": [0]}],
        scene=0,
    )


def variants_doc(mappings: list[dict[str, Any]], root: bool = True) -> dict[str, Any]:
    doc = gltf(
        extensionsUsed=["KHR_materials_variants"],
        materials=[{}],
        meshes=[
            {
                "primitives": [
                    {
                        "attributes": {"POSITION": 0},
                        "extensions": {"KHR_materials_variants": {"mappings": mappings}},
                    }
                ]
            }
        ],
        accessors=[POSITIONS],
    )
    if root:
        variants = [{"name": "a"}, {"name": "b"}]
        doc["extensions"] = {"KHR_materials_variants": {"variants": variants}}
    return doc


def pointer_doc(target: dict[str, Any]) -> dict[str, Any]:
    """An animation of node 0's rotation through KHR_animation_pointer, on `target`."""
    return gltf(
        extensionsUsed=["KHR_animation_pointer"],
        nodes=[{}],
        accessors=[
            {"count": 2, "type": "SCALAR", "componentType": 5126, "min": [0], "max": [1]},
            {"count": 2, "type": "VEC4", "componentType": 5126},
        ],
        animations=[
            {
                "channels": [{"target": target, "sampler": 0}],
                "samplers": [{"input": 0, "output": 1}],
            }
        ],
    )


POINTER = {"extensions": {"KHR_animation_pointer": {"pointer": "/nodes/0/rotation"}}}

DECLARATION_CASES = [
    CodeCase(
        "UNDECLARED_EXTENSION",
        gltf(materials=[{"extensions": {"KHR_materials_unlit": {}}}]),
        material_doc({"KHR_materials_unlit": {}}),
        "/materials/0/extensions/KHR_materials_unlit",
    ),
    CodeCase(
        "UNEXPECTED_EXTENSION_OBJECT",
        gltf(
            extensionsUsed=["KHR_materials_unlit"],
            nodes=[{"extensions": {"KHR_materials_unlit": {}}}],
        ),
        material_doc({"KHR_materials_unlit": {}}),
        "/nodes/0/extensions/KHR_materials_unlit",
    ),
    CodeCase(
        "UNSUPPORTED_EXTENSION",
        gltf(extensionsUsed=["EXT_foo_bar"]),
        gltf(
            extensionsUsed=["KHR_materials_unlit"],
            materials=[{"extensions": {"KHR_materials_unlit": {}}}],
        ),
        "/extensionsUsed/0",
    ),
    CodeCase(
        "INVALID_EXTENSION_NAME_FORMAT",
        gltf(extensionsUsed=["foo"]),
        gltf(extensionsUsed=["EXT_foo"]),
        "/extensionsUsed/0",
    ),
    CodeCase(
        "UNUSED_EXTENSION_REQUIRED",
        gltf(extensionsRequired=["KHR_materials_unlit"]),
        gltf(extensionsUsed=["KHR_materials_unlit"], extensionsRequired=["KHR_materials_unlit"]),
        "/extensionsRequired/0",
    ),
    CodeCase(
        "NON_REQUIRED_EXTENSION",
        gltf(extensionsUsed=["KHR_mesh_quantization"]),
        gltf(
            extensionsUsed=["KHR_mesh_quantization"], extensionsRequired=["KHR_mesh_quantization"]
        ),
        "/extensionsUsed/0",
    ),
    CodeCase(
        "MULTIPLE_EXTENSIONS",
        material_doc({"KHR_materials_unlit": {}, "KHR_materials_emissive_strength": {}}),
        material_doc({"KHR_materials_unlit": {}}),
        "/materials/0/extensions/KHR_materials_unlit",
    ),
    CodeCase(
        "INCOMPLETE_EXTENSION_SUPPORT",
        pointer_doc({"path": "pointer", **POINTER}),
        pointer_doc({"path": "pointer"}),
        "/animations/0/channels/0/target/extensions/KHR_animation_pointer",
    ),
]

LIGHT_CASES = [
    CodeCase(
        "UNSATISFIED_DEPENDENCY",
        lights_doc({"light": 0}, root=False),
        lights_doc({"light": 0}),
        "/nodes/0/extensions/KHR_lights_punctual",
    ),
    CodeCase(
        "EXTRA_PROPERTY",
        light_doc({"type": "point", "spot": {}}),
        light_doc({"type": "point"}),
        "/extensions/KHR_lights_punctual/lights/0/spot",
    ),
    CodeCase(
        "EXTRA_PROPERTY",
        light_doc({"type": "directional", "range": 5}),
        light_doc({"type": "point", "range": 5}),
        "/extensions/KHR_lights_punctual/lights/0/range",
    ),
    CodeCase(
        "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES",
        light_doc({"type": "spot", "spot": {"innerConeAngle": 0.8, "outerConeAngle": 0.5}}),
        light_doc({"type": "spot", "spot": {"innerConeAngle": 0.5, "outerConeAngle": 0.8}}),
        "/extensions/KHR_lights_punctual/lights/0/spot/outerConeAngle",
    ),
]

MATERIAL = "/materials/0/extensions/"
VOLUME = {"thicknessFactor": 1}


def texcoord_case(code: str, extension: str, texture: str) -> CodeCase:
    """`code` at the extension's `texture` (UV set 0) when normalTexture uses UV set 1; clean
    when both use set 0."""

    def doc(normal_texcoord: int) -> dict[str, Any]:
        normal = {"index": 0, "texCoord": normal_texcoord}
        return material_doc(
            {extension: {texture: {"index": 0, "texCoord": 0}}}, normalTexture=normal
        )

    return CodeCase(code, doc(1), doc(0), f"{MATERIAL}{extension}/{texture}")


MATERIAL_CASES = [
    texcoord_case(
        "KHR_MATERIALS_ANISOTROPY_ANISOTROPY_TEXTURE_TEXCOORD",
        "KHR_materials_anisotropy",
        "anisotropyTexture",
    ),
    texcoord_case(
        "KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD",
        "KHR_materials_clearcoat",
        "clearcoatNormalTexture",
    ),
    CodeCase(
        "KHR_MATERIALS_DISPERSION_NO_VOLUME",
        material_doc({"KHR_materials_dispersion": {"dispersion": 1}}),
        material_doc(
            {
                "KHR_materials_dispersion": {"dispersion": 1},
                "KHR_materials_volume": VOLUME,
                "KHR_materials_transmission": {},
            }
        ),
        MATERIAL + "KHR_materials_dispersion",
    ),
    CodeCase(
        "KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR",
        material_doc({"KHR_materials_emissive_strength": {"emissiveStrength": 2}}),
        material_doc(
            {"KHR_materials_emissive_strength": {"emissiveStrength": 2}},
            emissiveFactor=[1, 1, 1],
        ),
        MATERIAL + "KHR_materials_emissive_strength",
    ),
    CodeCase(
        "KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE",
        material_doc({"KHR_materials_iridescence": {"iridescenceThicknessMinimum": 50}}),
        material_doc({"KHR_materials_iridescence": {}}),
        MATERIAL + "KHR_materials_iridescence/iridescenceThicknessMinimum",
    ),
    CodeCase(
        "KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED",
        material_doc(
            {
                "KHR_materials_iridescence": {
                    "iridescenceThicknessMinimum": 300,
                    "iridescenceThicknessMaximum": 300,
                    "iridescenceThicknessTexture": {"index": 0},
                }
            }
        ),
        material_doc({"KHR_materials_iridescence": {"iridescenceThicknessTexture": {"index": 0}}}),
        MATERIAL + "KHR_materials_iridescence/iridescenceThicknessTexture",
    ),
    CodeCase(
        "KHR_MATERIALS_VOLUME_NO_TRANSMISSION",
        material_doc({"KHR_materials_volume": VOLUME}),
        material_doc({"KHR_materials_volume": VOLUME, "KHR_materials_transmission": {}}),
        MATERIAL + "KHR_materials_volume",
    ),
    CodeCase(
        "KHR_MATERIALS_DISPERSION_NO_VOLUME",
        material_doc({"KHR_materials_dispersion": {"dispersion": 1}}),
        undeclared(
            material_doc(
                {"KHR_materials_dispersion": {"dispersion": 1}, "KHR_materials_volume": VOLUME}
            ),
            "KHR_materials_volume",
        ),
        MATERIAL + "KHR_materials_dispersion",
    ),
    CodeCase(
        "KHR_MATERIALS_VOLUME_DOUBLE_SIDED",
        material_doc(
            {"KHR_materials_volume": VOLUME, "KHR_materials_transmission": {}}, doubleSided=True
        ),
        material_doc({"KHR_materials_volume": VOLUME, "KHR_materials_transmission": {}}),
        MATERIAL + "KHR_materials_volume",
    ),
    CodeCase(
        "MESH_PRIMITIVE_TOO_FEW_TEXCOORDS",
        material_doc(
            {"KHR_texture_transform": {}},
            emissiveTexture={
                "index": 0,
                "extensions": {"KHR_texture_transform": {"texCoord": 1}},
            },
        ),
        material_doc(
            {"KHR_texture_transform": {}},
            emissiveTexture={
                "index": 0,
                "extensions": {"KHR_texture_transform": {"texCoord": 0}},
            },
        ),
        "/meshes/0/primitives/0/material",
    ),
]

OTHER_CASES = [
    CodeCase(
        "UNSATISFIED_DEPENDENCY",
        variants_doc([{"material": 0, "variants": [0]}], root=False),
        variants_doc([{"material": 0, "variants": [0]}]),
        "/meshes/0/primitives/0/extensions/KHR_materials_variants/mappings/0",
    ),
    CodeCase(
        "KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT",
        variants_doc([{"material": 0, "variants": [0]}, {"material": 0, "variants": [0]}]),
        variants_doc([{"material": 0, "variants": [0]}, {"material": 0, "variants": [1]}]),
        "/meshes/0/primitives/0/extensions/KHR_materials_variants/mappings/1/variants/0",
    ),
    CodeCase(
        "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_NODE",
        pointer_doc({"path": "pointer", "node": 0, **POINTER}),
        pointer_doc({"path": "pointer", **POINTER}),
        "/animations/0/channels/0/target/extensions/KHR_animation_pointer",
    ),
    CodeCase(
        "KHR_ANIMATION_POINTER_ANIMATION_CHANNEL_TARGET_PATH",
        pointer_doc({"path": "rotation", **POINTER}),
        pointer_doc({"path": "pointer", **POINTER}),
        "/animations/0/channels/0/target/extensions/KHR_animation_pointer",
    ),
]


def nested_doc(nested: Any) -> dict[str, Any]:
    """An extension object with an `extensions` member of its own (no extension defines any)."""
    return material_doc({"KHR_materials_clearcoat": {"extensions": nested}})


CLEARCOAT = "/materials/0/extensions/KHR_materials_clearcoat/extensions"
NESTED_CASES = [
    CodeCase("TYPE_MISMATCH", nested_doc([0]), nested_doc({}), CLEARCOAT),
    CodeCase(
        "UNEXPECTED_EXTENSION_OBJECT",
        nested_doc({"KHR_materials_clearcoat": {}}),
        nested_doc({}),
        f"{CLEARCOAT}/KHR_materials_clearcoat",
    ),
]

CASES: list[CodeCase] = [
    *DECLARATION_CASES,
    *LIGHT_CASES,
    *MATERIAL_CASES,
    *OTHER_CASES,
    *NESTED_CASES,
]
