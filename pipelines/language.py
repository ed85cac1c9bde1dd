"""Language: zh or en (other codes from langdetect when it is sure), und for text that is
mojibake; and the script of Chinese text, Hans or Hant. Deterministic: langdetect is seeded
and only consulted for text without Chinese."""

from __future__ import annotations

import re
from functools import cache

from langdetect import DetectorFactory, LangDetectException, detect_langs

from pipelines.article import Article
from pipelines.chinese import HAN, converter, to_simplified
from pipelines.vocabulary import load_vocabulary

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
# UTF-8 read as Latin-1 or cp1252: "ä¸­å", "â€™".
_LATIN1_MOJIBAKE = re.compile(
    "[\u00c2-\u00c3\u00e2-\u00e9\u00ef\u00f0][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
    "\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
# Chinese words carry about this many characters: Han characters over this many weigh as
# much as one Latin word, so an English sentence quoting one Chinese name stays English.
HAN_CHARS_PER_WORD = 1.7
# Mojibake of Chinese (UTF-8 read as GBK or Big5) is mostly rare characters; real text, once
# Simplified, is mostly the 3,755 common characters of GB2312's first level.
MAX_RARE_SHARE = 0.25
MIN_HAN_FOR_RARE_TEST = 6
# Latin-script text where this share of the words are English function words is English
# without asking langdetect (which costs ~6 ms a text): it decides the rest.
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "for",
        "on",
        "that",
        "with",
        "by",
        "as",
        "at",
        "from",
        "was",
        "were",
        "has",
        "have",
        "it",
        "its",
        "be",
    ]
)
PLAINLY_ENGLISH = 0.15
# langdetect names a language other than English only when this sure, on this much text.
OTHER_LANGUAGE_PROBABILITY = 0.95
OTHER_LANGUAGE_MIN_LETTERS = 60
SAMPLE_CHARS = 2000
# langdetect costs ~5 ms per 1,000 characters; a few hundred decide a news text's language.
LANGDETECT_CHARS = 400

DetectorFactory.seed = 0  # langdetect is random unless seeded


# The chemical elements: rare in general text, everyday in this industry's (镨钕, 镝, 铽, 钇).
ELEMENTS = (
    "氢氦锂铍硼碳氮氧氟氖钠镁铝硅磷硫氯氩钾钙钪钛钒铬锰铁钴镍铜锌镓锗砷硒溴氪铷锶钇锆铌钼锝钌铑钯银镉"
    "铟锡锑碲碘氙铯钡镧铈镨钕钷钐铕钆铽镝钬铒铥镱镥铪钽钨铼锇铱铂金汞铊铅铋钋砹氡钫镭锕钍镤铀镎钚"
)


@cache
def _domain_characters() -> frozenset[str]:
    """Characters of the elements and of the vocabulary's Chinese words (赣州, 驰宏锌锗)."""
    words = "".join(load_vocabulary().chinese_words())
    return frozenset(ELEMENTS + words)


def _common(char: str) -> bool:
    if char in _domain_characters():
        return True
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


MAX_REPLACEMENT_SHARE = 0.02  # of the characters: more replacement characters, mojibake


def is_mojibake(text: str) -> bool:
    """Text decoded with the wrong charset: replacement characters, UTF-8 read as Latin-1,
    or Chinese read as the wrong multi-byte encoding."""
    broken = text.count("\ufffd")  # a stray byte or two in a long text is no mojibake
    if (broken >= 2 and broken >= MAX_REPLACEMENT_SHARE * len(text)) or "锟斤拷" in text:
        return True
    if len(_LATIN1_MOJIBAKE.findall(text)) >= 3:
        return True
    han = HAN.findall(to_simplified(text))
    if len(han) < MIN_HAN_FOR_RARE_TEST:
        return False
    return sum(1 for char in han if not _common(char)) / len(han) > MAX_RARE_SHARE


def detect_language(text: str) -> str:
    """'zh', 'en', another langdetect code when it is sure, or 'und' (mojibake, no words).

    Text is Chinese when its Han characters outweigh its Latin words, whatever langdetect
    says: it calls Traditional Chinese Korean more often than not."""
    sample = text[:SAMPLE_CHARS]
    if is_mojibake(sample):
        return "und"
    han = len(HAN.findall(sample))
    latin_words = _LATIN_WORD.findall(sample)
    if han == 0 and not latin_words:
        return "und"
    if han and not _KANA_HANGUL.search(sample) and han / HAN_CHARS_PER_WORD >= len(latin_words):
        return "zh"
    if sum(1 for w in latin_words if w.lower() in ENGLISH_FUNCTION_WORDS) >= PLAINLY_ENGLISH * len(latin_words) > 1:
        return "en"
    letters = sum(map(len, _LATIN_WORD.findall(sample[:LANGDETECT_CHARS])))
    try:
        best = detect_langs(sample[:LANGDETECT_CHARS])[0]
    except LangDetectException:
        return "en"
    if best.lang.startswith("zh"):
        return "zh"
    if best.lang != "en" and best.prob >= OTHER_LANGUAGE_PROBABILITY and letters >= OTHER_LANGUAGE_MIN_LETTERS:
        return best.lang
    return "en"


def detect_script(text: str) -> str | None:
    """'Hant' when more characters are Traditional-only than Simplified-only, else 'Hans'."""
    if not HAN.search(text):
        return None
    simplified, traditional = converter("t2s").convert(text), converter("s2t").convert(text)
    trad_only = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
    simp_only = sum(1 for a, b in zip(text, traditional, strict=False) if a != b)
    return "Hant" if trad_only > simp_only else "Hans"


def language(article: Article) -> Article:
    text = f"{article.title}\n{article.body}"
    article.lang = detect_language(text)
    article.script = detect_script(text[:SAMPLE_CHARS]) if article.lang == "zh" else None
    return article
