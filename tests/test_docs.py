"""README.md against the CLI, as sqlite-utils checks its docs: every command, subcommand and
option that a usage line of README names exists in `monitor`'s parser (with the choices the
line lists), and every command, subcommand and option of the parser is in a usage line of
README; the "Using it" block names every command. A usage line is an indented line starting
`monitor ` (an example or a synopsis), with the indented `[...]` lines that continue it."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

import pytest

from monitor.cli import build_parser
from tests.conftest import ROOT

# An option, with the choices written after it (`--sort relevance|date`).
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)(?:\s+([a-z]+(?:\|[a-z]+)+))?")
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_WORD = re.compile(r"[a-z][a-z-]*")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return {
        name: sub
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name, sub in action.choices.items()
    }


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        option: action
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
        if option.startswith("--")
    }


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], dict]:
    """Every command of the parser by its path (("search",), ("alerts", "add")...), with its options."""
    found: dict[tuple[str, ...], dict] = {}
    for name, sub in _subparsers(parser).items():
        found[(*path, name)] = _options(sub)
        found.update(_commands(sub, (*path, name)))
    return found


PARSER = build_parser()
CLI = _commands(PARSER)
GLOBAL_OPTIONS = _options(PARSER)


@dataclass(frozen=True)
class Usage:
    text: str
    command: str
    actions: tuple[str, ...]  # the subcommands it names (`db upgrade | current | optimize`)
    options: dict[str, frozenset[str] | None]  # each option, with the choices written after it

    def names(self, path: tuple[str, ...]) -> bool:
        return path[0] == self.command and (len(path) == 1 or path[1] in self.actions)

    def paths(self) -> list[tuple[str, ...]]:
        """The command paths it is about: the subcommands named, else the command."""
        return [(self.command, action) for action in self.actions] or [(self.command,)]


def usage_texts(markdown: str) -> list[str]:
    texts: list[str] = []
    continued = False
    for line in markdown.splitlines():
        indented, text = line.startswith("    "), line.strip()
        if indented and text.startswith("monitor "):
            texts.append(text)
        elif indented and continued and text.startswith("["):
            texts[-1] += " " + text
        else:
            continued = False
            continue
        continued = True
    return texts


def parsed_usage(text: str) -> Usage:
    text = re.sub(r"\s+#.*", "", text)  # a comment
    text = re.sub(r"\([^)]*\)", "", text)  # a remark: (see "Alert rules and feeds")
    options = {option: frozenset(choices.split("|")) if choices else None for option, choices in _OPTION.findall(text)}
    bare = text
    while _BRACKETED.search(bare):  # what remains is the command, its subcommands and placeholders
        bare = _BRACKETED.sub("", bare)
    words = re.split(r"[\s|]+", bare.strip())[1:]
    while words[0] in GLOBAL_OPTIONS:  # monitor --db URL search ...
        words = words[2:]
    command, rest = words[0], words[1:]
    has_actions = any(len(path) == 2 and path[0] == command for path in CLI)
    actions = [word for word in rest if has_actions and _WORD.fullmatch(word)]
    return Usage(text, command, tuple(actions), options)


README = (ROOT / "README.md").read_text(encoding="utf-8")
USAGES = [parsed_usage(text) for text in usage_texts(README)]
USING_IT = [parsed_usage(text) for text in usage_texts(README.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0])]


def test_the_usage_lines_are_found():
    assert len(USING_IT) >= len(_subparsers(PARSER)) and len(USAGES) > len(USING_IT)
    [db] = [usage for usage in USING_IT if usage.command == "db"]
    assert db.actions == ("upgrade", "current", "optimize", "copy")
    assert db.options == {"--db": None, "--min-documents": None, "--into": None}


def unknown_in(usage: Usage, cli: dict[tuple[str, ...], dict]) -> list[str]:
    """What a usage line names that the CLI (its commands by path, with their options) lacks."""
    missing = [
        f"README names `monitor {' '.join(path)}`, which the CLI does not have"
        for path in usage.paths()
        if path not in cli
    ]
    if missing:
        return missing
    known = dict(GLOBAL_OPTIONS)
    for path in usage.paths():
        known.update(cli[path])
    for option, choices in usage.options.items():
        if option not in known:
            missing.append(f"README gives {option} to `monitor {' '.join(usage.paths()[0])}`, which has no such option")
        elif choices is not None and choices != set(known[option].choices or ()):
            missing.append(f"README lists {option}'s choices as {sorted(choices)}")
    return missing


@pytest.mark.parametrize("usage", USAGES, ids=lambda usage: usage.text)
def test_a_usage_line_names_commands_and_options_the_cli_has(usage):
    assert unknown_in(usage, CLI) == []


def test_an_option_taken_out_of_the_cli_is_caught():
    """The check itself, on the CLI with `search --offset` taken out: README's line fails."""
    without = {**CLI, ("search",): {k: v for k, v in CLI[("search",)].items() if k != "--offset"}}
    [line] = [usage for usage in USING_IT if usage.command == "search" and "--offset" in usage.options]
    assert unknown_in(line, without) == ["README gives --offset to `monitor search`, which has no such option"]


def test_the_using_it_block_names_every_command():
    assert {usage.command for usage in USING_IT} == set(_subparsers(PARSER))


@pytest.mark.parametrize("path", sorted(CLI), ids=" ".join)
def test_every_command_and_its_options_are_in_a_usage_line(path):
    usages = [usage for usage in USAGES if usage.names(path)]
    assert usages, f"`monitor {' '.join(path)}` is in no usage line of README.md"
    documented = {option for usage in usages for option in usage.options}
    assert set(CLI[path]) <= documented, f"README.md has no usage line of `monitor {' '.join(path)}` with " + ", ".join(
        sorted(set(CLI[path]) - documented)
    )


def test_the_global_options_are_in_a_usage_line():
    assert set(GLOBAL_OPTIONS) <= {option for usage in USAGES for option in usage.options}
