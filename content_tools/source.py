"""Reading a scene's source folder: `scene.yaml`, files it names, and its model generator.

`load_scene_source` parses `scene.yaml` into a `SceneSource` and reports problems as
`path:line: message`, the line being that of the offending key: pydantic's error locations are
mapped onto the YAML node tree (`yaml.compose`), which keeps the line of every key.
`run_generator` runs the scene's generator script, which writes the model file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml
from pydantic import ValidationError

from content_tools.errors import GeneratorError, SourceError
from content_tools.files import read_limited
from content_tools.format.scene import SceneSource

__all__ = [
    "DEFAULT_GENERATOR_TIMEOUT_S",
    "SCENE_FILE",
    "LineFinder",
    "load_scene_source",
    "load_scene_source_lines",
    "parse_scene_source",
    "run_generator",
    "scene_file",
]

SCENE_FILE = "scene.yaml"
MAX_SOURCE_BYTES = 1024 * 1024
MAX_YAML_NODES = 100_000  # counted with aliases expanded: refuses "billion laughs" documents
DEFAULT_GENERATOR_TIMEOUT_S = 120.0
_STDERR_TAIL_CHARS = 4000
_MERGE_TAG = "tag:yaml.org,2002:merge"

LineFinder = Callable[[tuple[int | str, ...]], int]
"""Maps a location in scene.yaml (keys and list indexes) to its 1-based line."""


def load_scene_source(scene_dir: Path) -> SceneSource:
    """Read and validate `scene_dir/scene.yaml`.

    Raises SourceError (a ContentError) naming the file and the line of the problem when the
    file is missing, is not UTF-8, is not valid YAML or does not fit the scene format.
    """
    return parse_scene_source(_read_scene_text(scene_dir), path=scene_dir / SCENE_FILE)


def load_scene_source_lines(scene_dir: Path) -> tuple[SceneSource, LineFinder]:
    """Like `load_scene_source`, and also a function mapping a location in the source (such as
    `("script", "steps", 2, "action", "node")`) to its line in scene.yaml."""
    path = scene_dir / SCENE_FILE
    text = _read_scene_text(scene_dir)
    source = parse_scene_source(text, path=path)
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # parsed once already: cannot fail
    assert root is not None  # noqa: S101 - type narrowing, not an input check

    def line_of(loc: tuple[int | str, ...]) -> int:
        return locate(root, loc)[0]

    return source, line_of


def _read_scene_text(scene_dir: Path) -> str:
    path = scene_dir / SCENE_FILE
    missing = f"no {SCENE_FILE} in this folder"
    if not path.exists():
        raise SourceError(missing, path=scene_dir)
    data = read_limited(path, MAX_SOURCE_BYTES, what=SCENE_FILE, error=SourceError, missing=missing)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("is not valid UTF-8 text", path=path, line=line) from None
    return text


def parse_scene_source(text: str, *, path: Path) -> SceneSource:
    """Parse the text of a `scene.yaml`; `path` is only used in error messages."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise SourceError("is empty", path=path)
        _check_tree(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, path) from None
    except yaml.YAMLError as exc:  # e.g. a control character (a ReaderError has no mark)
        raise SourceError(f"is not valid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SourceError(
            f"must be a mapping of keys (id, version, title, ...), not a {type(data).__name__}",
            path=path,
            line=root.start_mark.line + 1,
        )
    try:
        return SceneSource.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, root, path) from None


def scene_file(scene_dir: Path, relative: str, *, what: str) -> Path:
    """The path of a file that scene.yaml names relative to its folder.

    Refuses absolute paths, drive letters, backslashes and paths that lead outside the scene
    folder (`..`, or a symbolic link pointing elsewhere). The file need not exist.
    """
    where = scene_dir / SCENE_FILE
    if not relative or "\\" in relative or "\x00" in relative:
        raise SourceError(f"{what} {relative!r} is not a valid relative path", path=where)
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).drive:
        raise SourceError(f"{what} {relative!r} must be relative to the scene folder", path=where)
    if ".." in PurePosixPath(relative).parts:
        raise SourceError(f"{what} {relative!r} must not contain '..'", path=where)
    base = scene_dir.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise SourceError(f"{what} {relative!r} leads outside the scene folder", path=where)
    return target


def run_generator(
    scene_dir: Path, source: SceneSource, *, timeout_s: float = DEFAULT_GENERATOR_TIMEOUT_S
) -> Path | None:
    """Run the scene's generator script, if it has one, and return the model file it wrote.

    The script runs with this interpreter (`sys.executable`), in the scene folder, with the
    model's path as its only argument and PYTHONHASHSEED=0 (for reproducible output). Returns
    None when the scene has no generator. Raises GeneratorError when the script fails, takes
    longer than `timeout_s` seconds or does not write the model.
    """
    if source.generator is None:
        return None
    script = scene_file(scene_dir, source.generator, what="generator")
    model = scene_file(scene_dir, source.model, what="model")
    if script.suffix != ".py":
        raise GeneratorError("the generator must be a Python script (.py)", path=script)
    if not script.is_file():
        raise GeneratorError("the generator script does not exist", path=script)
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", PYTHONUTF8="1")
    command = [sys.executable, str(script), str(model)]
    try:
        # the scene's own generator, run by this Python: an author's trusted code, no shell
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=scene_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so that a timeout also ends the script's own children
        )
    except OSError as exc:
        raise GeneratorError(f"cannot run the generator: {exc}", path=script) from exc
    try:
        _, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise GeneratorError(
            f"the generator did not finish within {timeout_s:g} s", path=script
        ) from None
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    if process.returncode != 0:
        status = (
            f"was killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"failed with exit status {process.returncode}"
        )
        tail = stderr.decode("utf-8", "replace").strip()[-_STDERR_TAIL_CHARS:]
        detail = f":\n{tail}" if tail else " (it printed nothing on stderr)"
        raise GeneratorError(f"the generator {status}{detail}", path=script)
    if not model.is_file():
        raise GeneratorError(
            f"the generator finished but did not write the model {source.model!r}", path=script
        )
    return model


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):  # gone, or no killpg
        process.kill()


# ---------------------------------------------------------------------------------------------
# YAML


def _yaml_error(exc: yaml.MarkedYAMLError, path: Path) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.context}, {exc.problem}"
    line = None if mark is None else mark.line + 1
    column = "" if mark is None else f" (column {mark.column + 1})"
    return SourceError(f"invalid YAML: {problem}{column}", path=path, line=line)


def _check_tree(root: yaml.Node, path: Path) -> None:
    """Refuse duplicate keys (PyYAML silently keeps the last) and documents that expand to an
    absurd number of nodes through aliases."""
    budget = MAX_YAML_NODES
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise SourceError(
                f"is too large: more than {MAX_YAML_NODES} YAML nodes once aliases are expanded",
                path=path,
            )
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG:
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        raise SourceError(
                            f"key {key.value!r} appears twice in the same mapping "
                            f"(first on line {seen[key.value]})",
                            path=path,
                            line=line,
                        )
                    seen[key.value] = line
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _children(node: yaml.Node, part: int | str) -> Iterator[tuple[int, yaml.Node]]:
    """(line of the key or item, value node) for the child `part` of `node`, if it has one."""
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        merged: list[yaml.Node] = []
        for key, value in node.value:
            if key.tag == _MERGE_TAG:
                merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            elif isinstance(key, yaml.ScalarNode) and key.value == part:
                yield key.start_mark.line + 1, value
        for source in merged:  # explicit keys win over merged ones
            yield from _children(source, part)
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        yield item.start_mark.line + 1, item


def locate(root: yaml.Node, loc: tuple[int | str, ...]) -> tuple[int, str]:
    """Map a pydantic error location onto the YAML tree.

    Returns the line of the deepest key found and a readable path such as
    `script.steps[2].action.node`. Parts that are not in the document (the tag pydantic adds
    for a discriminated union, or a missing field) are skipped; a missing field at the end is
    still named in the path and gets the line of its parent.
    """
    node, line = root, root.start_mark.line + 1
    shown: list[int | str] = []
    for index, part in enumerate(loc):
        found = next(_children(node, part), None)
        if found is not None:
            line, node = found
            shown.append(part)
        elif index == len(loc) - 1:
            shown.append(part)
    text = ""
    for part in shown:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return line, text


def _validation_error(exc: ValidationError, root: yaml.Node, path: Path) -> SourceError:
    problems: list[tuple[int | None, str]] = []
    for error in exc.errors(include_url=False):
        line, where = locate(root, tuple(error["loc"]))
        message = error["msg"]
        got = _short_input(error.get("input"), error["type"])
        problems.append((line, f"{where}: {message}{got}" if where else f"{message}{got}"))
    problems.sort(key=lambda item: item[0] or 0)
    count = len(problems)
    summary = f"{count} problem{'s' if count != 1 else ''} in the scene format"
    return SourceError(summary, path=path, line=problems[0][0], problems=problems)


def _short_input(value: Any, error_type: str) -> str:
    if error_type in {"missing", "extra_forbidden"} or isinstance(value, dict | list):
        return ""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        return f" (got {text})" if len(text) <= 60 else ""
    return f" (got a {type(value).__name__})"
