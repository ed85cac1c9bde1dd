"""Chinese script helpers shared by the stages: Han characters, OpenCC converters."""

from __future__ import annotations

import re
from functools import cache

import opencc

HAN_RANGES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{HAN_RANGES}]")


@cache
def converter(config: str) -> opencc.OpenCC:
    """OpenCC converters ("t2s", "s2t"), built once per process."""
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)
