"""The encoding of a page's bytes when no HTTP header says it (saved files, stored pages).

Declarations lie: pages say gb2312 and are UTF-8, say nothing and are Big5. So a byte-order
mark decides outright; otherwise every plausible encoding (the declared one, UTF-8, the GB
family, Big5) is tried strictly and the one whose Chinese reads as common characters wins.
UTF-8 with a few broken sequences (a multi-byte character cut short, a stray byte) is still
UTF-8: those few bytes are read as U+FFFD, not the whole page as another codec.

Decoded text may still hold characters no XML tree (and no lxml call) accepts: control
characters, lone surrogates. `xml_compatible` takes them out."""

from __future__ import annotations

import codecs
import re

# Where a page declares its charset: <meta charset>, http-equiv content, <?xml encoding?>.
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# gb18030 is a superset of gb2312 and gbk: pages labelled with those use its extra characters.
# Latin-1 labels mean Windows-1252 in every browser.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}
_CHINESE = ("gb18030", "big5hkscs")
_SAMPLE_BYTES = 16384  # enough Chinese to tell GB from Big5
MIN_HAN = 20  # fewer Han characters than this: not a Chinese page, whatever its bytes
MIN_CHINESE_FIT = 0.6
# UTF-8 with broken sequences: at most this share of the characters (and at least four times
# as many well-formed multi-byte characters: Latin-1 text has none, GB or Big5 text few).
MAX_BROKEN_UTF8_SHARE = 0.002
MIN_BROKEN_UTF8 = 3
WELL_FORMED_PER_BROKEN = 4
# Characters XML 1.0 forbids: C0 controls but tab, line feed and carriage return; lone
# surrogates; U+FFFE and U+FFFF. Vertical tab and form feed are white space: a space.
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def declared_encoding(body: bytes) -> str | None:
    """The charset the page's own markup names, as a Python codec, or None."""
    found = _DECLARED.search(body[:4096])
    if not found:
        return None
    name = found.group(1).decode("ascii", "ignore").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(body: bytes) -> str:
    """The encoding to read the page with: a BOM; else UTF-8 when the bytes are valid UTF-8
    (GB or Big5 text almost never is by chance); else the Chinese codec under which the text
    reads as common characters; else the declared codec; else Windows-1252."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = declared_encoding(body)
    if body.isascii():
        return declared or "utf-8"
    if _decodes(body, "utf-8") or _mostly_utf8(body):
        return "utf-8"
    fits = {codec: _chinese_fit(body, codec) for codec in _CHINESE}
    best = max(_CHINESE, key=lambda codec: (fits[codec], codec == declared))
    if fits[best] >= MIN_CHINESE_FIT:
        return best
    if declared and _decodes(body, declared):
        return declared
    return "cp1252"


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 but for a few broken sequences: a handful of U+FFFD among many well-formed
    multi-byte characters."""
    text = body.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    well_formed = len(text) - len(text.encode("ascii", "ignore")) - broken
    return (
        broken <= max(MIN_BROKEN_UTF8, len(text) * MAX_BROKEN_UTF8_SHARE)
        and well_formed >= WELL_FORMED_PER_BROKEN * broken
    )


def xml_compatible(text: str) -> str:
    """The text without the characters XML forbids (control characters, lone surrogates,
    U+FFFE, U+FFFF): lxml refuses to set them, databases and encoders choke on some."""
    if _XML_INCOMPATIBLE.search(text) is None:
        return text
    return _XML_INCOMPATIBLE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in "\x0b\x0c" else ""


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _chinese_fit(body: bytes, encoding: str) -> float:
    """How well the bytes read as Chinese in this codec: the share of Han characters in its
    block of frequent characters (GB2312 level 1, Big5's 常用字), each undecodable byte
    counting as ten misses. Text read with the wrong codec scatters into rare characters."""
    text = body[:_SAMPLE_BYTES].decode(encoding, "replace")
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if len(han) < MIN_HAN:
        return 0.0
    return sum(_is_common(ch, encoding) for ch in han) / (len(han) + 10 * text.count("\ufffd"))


def _is_common(ch: str, encoding: str) -> bool:
    try:
        code = ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    if len(code) != 2:
        return False
    if encoding == "gb18030":
        return 0xB0 <= code[0] <= 0xD7  # GB2312 level 1: the 3,755 most used characters
    return 0xA4 <= code[0] <= 0xC6  # Big5 frequently used characters (A440-C67E)
