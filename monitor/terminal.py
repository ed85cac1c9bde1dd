"""Scraped text on a terminal. A page can hold escape sequences (ESC, or the one-byte C1
CSI) that a terminal obeys rather than shows: colours, cursor moves, a rewritten title bar,
on some terminals more. Bidi controls (U+202E and kin) reorder what is shown, so a URL or a
title can read other than it is. Text printed for a person goes without both; JSON keeps
every character, with these written as escapes so the document says exactly what was stored
and still cannot drive the terminal it is printed on."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 and C1 controls and DEL, but tab and newline (they lay out the text, nothing more), and
# the Unicode bidi controls: embeddings, overrides, isolates and the marks (U+061C, U+200E,
# U+200F: no zh or en text needs them, and they also move the neutral characters about them).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}]")
# json.dumps escapes C0 itself; C1 and the bidi controls it leaves as they are.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")


def shown(text: str) -> str:
    """The text without the characters a terminal would obey or reorder by."""
    return _UNSAFE.sub("", text)


def say(text: str = "", flush: bool = False) -> None:
    """Print a line for a person to read."""
    print(shown(text), flush=flush)


def json_text(value: Any, indent: int | None = None) -> str:
    """JSON as json.dumps writes it (UTF-8 text, not \\u escapes, for people to read), but with
    the characters `shown` drops escaped: the same document to any JSON reader."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
