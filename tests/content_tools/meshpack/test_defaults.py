"""`content_tools.meshpack.defaults`: material members equal to glTF's defaults are dropped,
every other value stays."""

from __future__ import annotations

import copy
from typing import Any

from content_tools.meshpack.defaults import drop_material_defaults

EXPLICIT: dict[str, Any] = {
    "name": "steel",
    "doubleSided": False,
    "alphaMode": "OPAQUE",
    "emissiveFactor": [0.0, 0.0, 0.0],
    "pbrMetallicRoughness": {
        "baseColorFactor": [1.0, 1.0, 1.0, 1.0],
        "metallicFactor": 1,
        "roughnessFactor": 1.0,
        "baseColorTexture": {"index": 0, "texCoord": 0},
    },
    "normalTexture": {"index": 1, "scale": 1.0, "texCoord": 0},
    "occlusionTexture": {"index": 2, "strength": 1},
}


def test_defaults_are_dropped() -> None:
    material = copy.deepcopy(EXPLICIT)
    document = {"materials": [material, {"alphaMode": "MASK", "alphaCutoff": 0.5}]}
    assert drop_material_defaults(document) == 11
    assert document["materials"] == [
        {
            "name": "steel",
            "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}},
            "normalTexture": {"index": 1},
            "occlusionTexture": {"index": 2},
        },
        {"alphaMode": "MASK"},
    ]


def test_other_values_stay() -> None:
    kept: list[dict[str, Any]] = [
        {"doubleSided": True, "alphaMode": "BLEND", "emissiveFactor": [1, 0.5, 0]},
        {"alphaMode": "MASK", "alphaCutoff": 0.25},
        {"alphaMode": "BLEND", "alphaCutoff": 0.5},  # invalid there, but not ours to judge
        {"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 0.5], "metallicFactor": 0}},
        {"pbrMetallicRoughness": {"roughnessFactor": 0.5, "metallicFactor": True}},
        {"normalTexture": {"index": 0, "scale": 0.5, "texCoord": 1}},
        {"occlusionTexture": {"index": 0, "strength": 0.8}},
    ]
    document = {"materials": copy.deepcopy(kept)}
    assert drop_material_defaults(document) == 0
    assert document["materials"] == kept
