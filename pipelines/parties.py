"""Who a supervision report is about: the inspected party (an organisation of the vocabulary,
or a province or city) and the place, read from the Simplified text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from pipelines.tag import find_concepts
from pipelines.vocabulary import Concept, load_vocabulary

if TYPE_CHECKING:  # facts names parties through this module
    from pipelines.facts import Fact

CN_ORDINAL = "[一二三四五六七八九十]+"  # 第四, 第十: the ordinals of teams, rounds and batches

# --- party ------------------------------------------------------------------------------

# Where a party stands as the one inspected: 进驻X, 督察X, 向X反馈, 公布X督察典型案例, 转办X,
# X召开/公开/公布/通报/组织开展, X累计收到; "to X", "at X", "X said/has published".
_ZH_OBJECT_BEFORE = re.compile(r"(?:进驻|督察|向|对|公布|转办|关于)$")
_ZH_OBJECT_AFTER = re.compile(
    r"^(?:[^，。；]{0,6}?)(?:召开|公开|公布|通报|组织|开展|累计|印发|已完成|中央|督察|[“\"「『])"
)
_ZH_DOWN = re.compile(r"(?:下沉|深入)[^，。；]{0,6}$")  # sites within the party, not the party
_EN_OBJECT_BEFORE = re.compile(r"(?:\bto|\bat|\bof|\bon)\s+(?:the\s+)?$", re.I)
_EN_OBJECT_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:province|autonomous region|city\s+)?\s*(?:said|says|has|had|ran|is|was|reports|unveils|closes|look-back)\b",
    re.I,
)

_PROVINCE_ENDINGS = ("省", "自治区", "特别行政区")
_MUNICIPALITIES = frozenset({"beijing", "tianjin", "shanghai", "chongqing"})
_CITY_ENDINGS = ("市", "州", "盟")


@cache
def _concepts() -> dict[str, Concept]:
    return {concept.id: concept for concept in load_vocabulary().concepts}


def party_kind(concept: Concept) -> str | None:
    """organisation, province or city; None for a concept that can be no party."""
    if concept.kind == "organisation":
        return "organisation"
    if concept.kind != "place":
        return None
    if not concept.parents and (
        concept.id in _MUNICIPALITIES or any(z.endswith(_PROVINCE_ENDINGS) for z in concept.zh)
    ):
        return "province"
    if concept.parents and any(z.endswith(_CITY_ENDINGS) for z in concept.zh):
        return "city"
    return None


def party_kind_of(party: str) -> str | None:
    return party_kind(_concepts()[party])


def ancestors(party: str) -> list[str]:
    """The party and the organisations or places above it, nearest first."""
    chain, seen = [party], {party}
    while (concept := _concepts().get(chain[-1])) and concept.parents and concept.parents[0] not in seen:
        chain.append(concept.parents[0])
        seen.add(concept.parents[0])
    return chain


# Not inspected parties: the press, exchanges and associations that report on inspections.
_NOT_PARTIES = frozenset(
    {
        "smm",
        "cnmn",
        "mysteel",
        "antaike",
        "changjiang-nonferrous",
        "xinhua",
        "peoples-daily",
        "economic-daily",
        "china-mining-news",
        "china-environment-news",
        "cnia",
        "acrei",
        "china-gold-association",
        "shfe",
        "lme",
        "gfex",
    }
)
TITLE_WEIGHT = 3
OBJECT_WEIGHT = 3


PARTY_KINDS = ("organisation", "province", "city")


# The facts stage and the case reading ask for the same article's party: it is read once.
@lru_cache(maxsize=64)
def read_party(title: str, body: str, lang: str, kinds: tuple[str, ...] = PARTY_KINDS) -> str | None:
    """The inspected party: the organisation or province or city (of `kinds`) the article
    names most, counting a mention in the title or where the inspected one stands more."""
    scores: Counter[str] = Counter()
    order: dict[str, int] = {}
    for weight, text in ((TITLE_WEIGHT, title), (0, body)):
        hits = list(find_concepts(text))
        # 江西省赣州市: a province written before one of its cities is the city's address.
        concept_at = {hit.offset: hit.concept.id for hit in hits if not hit.nested}
        for hit in hits:
            concept = hit.concept
            if hit.nested or concept.id in _NOT_PARTIES or party_kind(concept) not in kinds:
                continue
            following = concept_at.get(hit.offset + len(hit.alias))
            if following and concept.id in ancestors(following)[1:]:
                continue
            before, after = text[max(0, hit.offset - 8) : hit.offset], text[hit.offset + len(hit.alias) :][:20]
            score = 1 + weight
            if _ZH_OBJECT_BEFORE.search(before) or _EN_OBJECT_BEFORE.search(before):
                score += OBJECT_WEIGHT
            if _ZH_OBJECT_AFTER.search(after) or _EN_OBJECT_AFTER.search(after):
                score += OBJECT_WEIGHT
            if _ZH_DOWN.search(before) or _inspector_name(after):
                continue  # 下沉X: a site the team visits; 江西省第四生态环境保护督察组: the inspector
            scores[concept.id] += score
            order.setdefault(concept.id, len(order))
    if not scores:
        return None
    # Ties go to an organisation, then to the first named.
    return max(scores, key=lambda cid: (scores[cid], _concepts()[cid].kind == "organisation", -order[cid]))


def _inspector_name(after: str) -> bool:
    return bool(re.match(rf"(?:第{CN_ORDINAL})?(?:生态环境保护|生态环保|环境保护|环保)?督察组", after))


def place_of(party: str | None, text: str) -> str | None:
    """The province or city a report is about: the party itself when it is one, else the
    province or city the text names most (the first named on a tie)."""
    if party and party_kind(_concepts()[party]) in ("province", "city"):
        return party
    counts: Counter[str] = Counter()
    for hit in find_concepts(text):
        if not hit.nested and party_kind(hit.concept) in ("province", "city"):
            counts[hit.concept.id] += 1
    return max(counts, key=lambda cid: counts[cid]) if counts else None


def fact_parties(facts: Sequence[Fact], title: str, body: str, lang: str) -> list[tuple[str | None, str | None]]:
    """The party and the place each fact is about: the organisation its sentence names, with
    the province or city the sentence names; else the article's party, with the place the
    sentence names or else the article's."""
    party = read_party(title, body, lang)
    place = place_of(party, f"{title}\n{body}")
    result: list[tuple[str | None, str | None]] = []
    for fact in facts:
        own = read_party("", fact.sentence, lang, ("organisation",))
        named = place_of(None, fact.sentence)
        result.append((own, named) if own and own != party else (party, named or place))
    return result
