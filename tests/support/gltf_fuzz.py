"""Generated glTF documents with one field broken, for comparing our validator with the reference.

`fuzz_cases()` is a hypothesis strategy of `FuzzCase`: a VALID document (gltf_generate.py:
scenes, a node tree, meshes with real accessor data, materials, textures with an embedded PNG,
samplers, cameras, skins, animations; buffer 0 embedded as a data URI or as a GLB BIN chunk)
with at most ONE
mutation: a value of the wrong JSON type, a number out of range, an index that resolves to
nothing, a removed property or array element, an unexpected property, a duplicated array
element, or changed bytes of the binary buffer. `draw_cases(n, seed)` draws n of them,
reproducibly, outside any test (bench/validate.py --fuzz). Nothing here imports content_tools:
the documents do not depend on the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from random import Random
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from tests.support.gltf_docs import data_uri, glb
from tests.support.gltf_generate import valid_documents

__all__ = ["FuzzCase", "draw_cases", "fuzz_cases"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class FuzzCase:
    """One generated file: its bytes, its extension and what was changed (for the record)."""

    data: bytes
    suffix: str
    """".gltf" or ".glb"."""
    mutation: str
    """e.g. "remove /meshes/0/primitives/0/indices", or "none"."""


def _paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path below `value` (object members and array elements), depth first."""
    found: list[Path_] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _pointer(path: Path_) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


_VALUES: list[Any] = [
    "",
    "a",
    "x.png",
    -3,
    -1,
    0,
    1,
    2,
    5,
    0.5,
    -1.5,
    1e40,
    -0.0,
    True,
    False,
    None,
    [],
    {},
    [0],
    [0, 1, 2],
    {"x": 1},
]
_NUMBERS: list[float] = [-1, 0, 1, 2, 3, 4, 255, 65536, 2**32, 0.5, -0.25, 3.5, 1e9]
_STRINGS = ["", "MASK", "BLEND", "VEC3", "SCALAR", "STEP", "weights", "x.png", "data:,"]
_STRINGS += ["KHR_materials_unlit", "image/jpeg", "application/octet-stream"]
_NAMES = ["extras", "extensions", "name", "unknownProperty", "uri", "byteStride", "sampler"]


def _mutate_json(rng: Random, doc: dict[str, Any]) -> str:
    """Change ONE thing in `doc`, in place; say what. `rng` chooses uniformly (hypothesis would
    favour the first paths and the first values)."""
    path = rng.choice(_paths(doc))
    parent: Any = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    current = parent[key]
    where = _pointer(path)
    kinds = ["type", "remove", "add"]
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        kinds += ["number", "number", "index"]
    if isinstance(current, str):
        kinds.append("string")
    if isinstance(current, list) and current:
        kinds.append("duplicate")
    kind = rng.choice(kinds)
    if kind == "remove":
        del parent[key]
        return f"remove {where}"
    if kind == "add":
        target = current if isinstance(current, dict) else parent
        if isinstance(target, dict):
            name = rng.choice(_NAMES)
            target[name] = rng.choice(_VALUES)
            return f"add {name}={json.dumps(target[name])} beside {where}"
        kind = "type"
    if kind == "duplicate":
        current.append(current[0])
        return f"duplicate first element of {where}"
    value: Any
    if kind == "number":
        value = rng.choice(_NUMBERS)
        if rng.random() < 0.5:
            value = current + rng.choice([-1, 1, 0.125, 4])
    elif kind == "index":
        value = current + rng.choice([1, 2, 7, 100])
    elif kind == "string":
        value = rng.choice(_STRINGS)
    else:
        value = rng.choice(_VALUES)
    parent[key] = value
    return f"{kind} {where} = {json.dumps(value)}"


def _mutate_bytes(rng: Random, data: bytearray) -> str:
    if not data:
        return "none (no binary data)"
    start = rng.randrange(len(data))
    length = rng.randint(1, min(8, len(data) - start))
    fill = rng.choice([b"\xff", b"\x00", b"\x7f", b"\x80"])
    data[start : start + length] = fill * length
    return f"bytes {start}..{start + length} = {fill.hex()}"


@st.composite
def fuzz_cases(draw: st.DrawFn, mutate: bool = True) -> FuzzCase:
    """A valid document (`valid_documents`) with one mutation (none in about 1 case of 20)."""
    generated = draw(valid_documents())
    built = generated.builder
    rng = draw(st.randoms(use_true_random=True))
    kind = rng.choice(["json"] * 16 + ["bytes"] * 3 + ["none"]) if mutate else "none"
    mutation = "none"
    if kind == "bytes":
        mutation = _mutate_bytes(rng, built.bin)
    doc = built.doc
    doc.setdefault("buffers", []).insert(0, {"byteLength": len(built.bin)})
    if not generated.as_glb:
        doc["buffers"][0]["uri"] = data_uri(bytes(built.bin))
    if kind == "json":
        mutation = _mutate_json(rng, doc)
    if generated.as_glb:
        return FuzzCase(glb(doc, bytes(built.bin)), ".glb", mutation)
    return FuzzCase(json.dumps(doc, indent=1).encode(), ".gltf", mutation)


def draw_cases(count: int, seed: int, *, mutate: bool = True) -> list[FuzzCase]:
    """`count` distinct cases drawn by hypothesis from `seed` (the same seed, the same cases).

    Hypothesis explores by small changes to what it drew before, so a run repeats itself; the
    repeats are dropped and further runs (seed + 1, ...) fill up the count."""
    found: dict[bytes, FuzzCase] = {}
    run_seed = seed
    with _without_local_constants():
        _draw_into(found, count, run_seed, mutate)
    return list(found.values())


def _draw_into(found: dict[bytes, FuzzCase], count: int, run_seed: int, mutate: bool) -> None:
    while len(found) < count:

        @settings(
            max_examples=count,
            database=None,
            phases=[Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(fuzz_cases(mutate=mutate))
        def collect(case: FuzzCase) -> None:
            if len(found) < count:
                found.setdefault(case.data, case)

        run: Callable[[], None] = hypothesis_seed(run_seed)(collect)
        run()
        run_seed += 1_000_003


@contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis also draws literals it finds in the code imported so far (its "local
    constants"), so the same seed drew other cases depending on what the process had imported
    (content_tools or not). Hidden for the draw: a private hypothesis API, so only if present."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover - another hypothesis version
        yield
        return
    saved = providers._get_local_constants
    setattr(providers, "_get_local_constants", Constants)  # noqa: B010 (private, on purpose)
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        setattr(providers, "_get_local_constants", saved)  # noqa: B010
        providers.CONSTANTS_CACHE.cache.clear()
