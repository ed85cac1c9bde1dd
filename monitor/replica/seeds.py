"""The user's two sample documents, read from the text files beside this module, turned into
the articles the replicas serve: the SMM English one, and the CNMN Chinese one both as its
clean Simplified original and as the mirror served it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import opencc

from pipelines.article import CHINA_TZ

SEED_DIR = Path(__file__).with_name("seeds")
SMM_SEED = SEED_DIR / "000_a474d968f590b607.txt"
MIRROR_SEED = SEED_DIR / "003_0efd7f048eee811d.txt"

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GROUP = re.compile(rf"(?<=[\u4e00-\u9fff])\([a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\)")
_PINYIN_PAIR = re.compile(rf"([\u4e00-\u9fff])\(([a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*)\)")

# The three places where the mirror's mis-encoding ate characters: (as served, as the
# original had it, as the mirror's own text reads once the garbage is taken out).
# The seed has it twice in 日報 (工作日報機制, 當日報送) and once in 確保現場.
SEED_BREAKS = (
    ("日?qǐng)?bào)", "日報", "日"),
    ("確?,F(xiàn)", "確保現", "確"),
)
_CJK_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_HALF_PUNCT_AFTER_HAN = re.compile(r"(?<=[\u4e00-\u9fff”）])[,;:?!]")


@dataclass(frozen=True)
class SmmSeed:
    title: str
    published_at: datetime
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    contact: str
    contact_email: str


@dataclass(frozen=True)
class CnmnSeed:
    title: str
    published_at: datetime
    views: int
    source: str
    category: str
    author: str
    editor: str
    paragraphs: tuple[str, ...]


@cache
def smm_seed() -> SmmSeed:
    blocks = [b.strip() for b in SMM_SEED.read_text("utf-8").split("\n\n") if b.strip()]
    title = blocks[1]
    stamp = blocks[2].removeprefix("icon")
    contact_at = next(i for i, b in enumerate(blocks) if b.startswith("For queries"))
    contact = re.match(r"For queries, please contact (.+?) at (\S+)", blocks[contact_at])
    if contact is None:
        raise ValueError(f"the SMM seed's contact line is not as expected: {blocks[contact_at]!r}")
    return SmmSeed(
        title=title,
        published_at=datetime.strptime(stamp, "%b %d, %Y %H:%M").replace(tzinfo=CHINA_TZ),
        paragraphs=tuple(blocks[3 : contact_at - 1]),
        tags=tuple(blocks[contact_at - 1].split("\n")),
        contact=contact.group(1),
        contact_email=contact.group(2),
    )


def _mirror_lines() -> list[str]:
    return MIRROR_SEED.read_text("utf-8").strip().split("\n")


def mirror_seed_served() -> tuple[str, str, list[str]]:
    """(title, meta line, body lines up to and with 責任編輯) exactly as the mirror has them."""
    lines = _mirror_lines()
    editor_at = next(i for i, line in enumerate(lines) if line.startswith("責(zé)任編輯"))
    return lines[0], lines[1], lines[2 : editor_at + 1]


def _parse_meta(meta: str) -> dict[str, str]:
    found = re.match(
        r"(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{1,2}):(\d{2}) (\d+)次\S+ \S+: (\S*) \S+: (\S*) \S+: (\S*)",
        meta,
    )
    if found is None:
        raise ValueError(f"the mirror seed's meta line is not as expected: {meta!r}")
    return dict(zip(("y", "mo", "d", "h", "mi", "views", "source", "category", "author"), found.groups(), strict=False))


def _seed_article(text_of) -> CnmnSeed:
    """The seed's article with `text_of` applied to each text field."""
    title, meta, body = mirror_seed_served()
    fields = _parse_meta(_PINYIN_GROUP.sub("", meta))
    year, month, day, hour, minute = (int(fields[k]) for k in ("y", "mo", "d", "h", "mi"))
    published = datetime(year, month, day, hour, minute, tzinfo=CHINA_TZ)
    *paragraphs, editor_line = body
    return CnmnSeed(
        title=text_of(title),
        published_at=published,
        views=int(fields["views"]),
        source=text_of(fields["source"]),
        category=text_of(fields["category"]),
        author=text_of(fields["author"]),
        editor=re.split("[:：]", text_of(editor_line), maxsplit=1)[1],
        paragraphs=tuple(text_of(p) for p in paragraphs),
    )


def _repair_breaks(text: str, column: int) -> str:
    for served, *forms in SEED_BREAKS:
        text = text.replace(served, forms[column])
    return text


@cache
def cnmn_seed_original() -> CnmnSeed:
    """The article as CNMN published it: Simplified, no pinyin, full-width punctuation."""
    t2s = opencc.OpenCC("t2s")

    def original(text: str) -> str:
        plain = _PINYIN_GROUP.sub("", _repair_breaks(text, 0))
        return _HALF_PUNCT_AFTER_HAN.sub(lambda m: m.group(0).translate(_CJK_PUNCT), t2s.convert(plain))

    return _seed_article(original)


@cache
def cnmn_seed_mirror_truth() -> CnmnSeed:
    """What the mirror copy says once its pinyin and garbage are out: Traditional, as served."""
    return _seed_article(lambda text: _PINYIN_GROUP.sub("", _repair_breaks(text, 1)))


@cache
def pinyin_table() -> dict[str, str]:
    """Character -> pinyin as the mirror inserts it, learnt from the seed."""
    table: dict[str, str] = {}
    for char, pinyin in _PINYIN_PAIR.findall(MIRROR_SEED.read_text("utf-8")):
        table.setdefault(char, pinyin)
    return table
