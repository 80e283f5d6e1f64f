"""`vr-server COMMAND` builds its parser from the command's own modules only, so a command
imports just what it needs; each command must still get exactly the parser the full CLI has."""

from __future__ import annotations

import argparse

from vr_server.cli import build_parser, command_modules


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    return {} if action is None else dict(action.choices)


def test_each_command_has_the_full_clis_parser() -> None:
    full = _commands(build_parser())
    for name, parser in full.items():
        modules = command_modules([name, "--json"])
        assert len(modules) < 4, f"{name} loads every command module"
        lazy = _commands(build_parser(modules))
        assert name in lazy, f"{name} is not registered by {modules}"
        assert lazy[name].format_help() == parser.format_help(), name


def test_each_subcommand_has_the_full_clis_parser() -> None:
    """`staff create` loads admin.py alone, `staff disable` access.py too: each gets its own."""
    for name, group in _commands(build_parser()).items():
        for sub, parser in _commands(group).items():
            lazy = _commands(_commands(build_parser(command_modules([name, sub, "x"])))[name])
            assert sub in lazy, f"{name} {sub}"
            assert lazy[sub].format_help() == parser.format_help(), f"{name} {sub}"
    assert command_modules(["staff", "create", "alice"]) == ("admin",)
    assert "access" in command_modules(["staff", "disable", "alice"])


def test_no_command_or_an_unknown_one_loads_them_all() -> None:
    everything = command_modules([])
    assert command_modules(["--help"]) == everything
    assert command_modules(["no-such-command"]) == everything
    assert set(_commands(build_parser(everything))) == set(_commands(build_parser()))


def test_version_alone_loads_no_command_module() -> None:
    assert command_modules(["--version"]) == ()
