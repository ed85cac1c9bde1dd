"""Language: zh or en (langdetect, seeded, with script-based guards), and Hans or Hant."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect_langs

from pipelines.article import Article
from pipelines.chinese import HAN as _HAN
from pipelines.chinese import converter

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
# Share of Han characters among Han characters plus Latin words above which text is Chinese.
CHINESE_SHARE = 0.3
SAMPLE_CHARS = 2000

DetectorFactory.seed = 0  # langdetect is random unless seeded


def detect_language(text: str) -> str:
    """'zh' or 'en'. Han-heavy text is Chinese whatever langdetect says: it calls Traditional
    Chinese Korean more often than not."""
    sample = text[:SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    latin = len(_LATIN_WORD.findall(sample))
    if han + latin == 0:
        return "en"
    if han / (han + latin) >= CHINESE_SHARE and not _KANA_HANGUL.search(sample):
        return "zh"
    try:
        best = detect_langs(sample)[0].lang
    except LangDetectException:
        return "en"
    return "zh" if best.startswith("zh") else "en"


def detect_script(text: str) -> str | None:
    """'Hant' when more characters are Traditional-only than Simplified-only, else 'Hans'."""
    if not _HAN.search(text):
        return None
    simplified, traditional = converter("t2s").convert(text), converter("s2t").convert(text)
    trad_only = sum(1 for a, b in zip(text, simplified) if a != b)
    simp_only = sum(1 for a, b in zip(text, traditional) if a != b)
    return "Hant" if trad_only > simp_only else "Hans"


def language(article: Article) -> Article:
    text = f"{article.title}\n{article.body}"
    article.lang = detect_language(text)
    article.script = detect_script(text[:SAMPLE_CHARS]) if article.lang == "zh" else None
    return article
