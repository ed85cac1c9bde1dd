"""The query language: words and "phrases" in either language, AND / OR / NOT and -word,
brackets, prefixes (rectif*), proximity (NEAR(督察 整改, 10)), and the filters site: lang:
tag: since: until: relevance:. A query is read straight into its search expression over index terms
(db.search.expression, the one syntax tree from here to SQL) plus filters; every word and
phrase that names a concept of the vocabulary also finds the concept's other names, in
both languages.

Positions in messages count characters from 1."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import TypeGuard

from db.search.expression import And, Near, Node, Not, Or, Phrase, Prefix, Term, is_positive
from db.search.spec import Filters
from pipelines.article import CHINA_TZ
from pipelines.chinese import HAN, to_simplified
from pipelines.normalise import fold_width
from pipelines.segment import cut, terms
from pipelines.vocabulary import load_vocabulary

FILTERS = ("site", "lang", "tag", "since", "until", "relevance")
LANGS = ("zh", "en", "und")
RELEVANCE = ("relevant", "supervision", "rectification", "related", "unrelated")
OPERATORS = ("AND", "OR", "NOT")
MAX_ALIAS_WORDS = 8
NEAR_DISTANCE, MAX_NEAR_DISTANCE = 10, 50  # PostgreSQL spells "within N" as 4(N+1) alternatives
MIN_PREFIX = 2  # letters: a one-letter prefix would read much of the index (one Chinese character is a word)


class QueryError(ValueError):
    """A query that cannot be searched, with what is wrong and where."""


# --- reading the query --------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # word, phrase, near, filter, op, open, close, minus
    text: str
    position: int  # 1-based
    name: str = ""  # a filter's name


_FILTER = re.compile(r"([A-Za-z]+):")
MAX_NESTING = 12  # brackets and NOTs inside each other (FTS5's parser stops near 30)


def _breaks(char: str) -> bool:
    return char in '()"' or char.isspace()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # NUL cannot reach PostgreSQL; all read as spaces


def tokenize(query: str) -> list[Token]:
    query = _CONTROL.sub(" ", query)
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token("open" if char == "(" else "close", char, i + 1))
            i += 1
        elif char == '"':
            end = _closing_quote(query, i)
            tokens.append(Token("phrase", query[i + 1 : end], i + 1))
            i = end + 1
        elif char == "-" and i + 1 < len(query) and not (query[i + 1].isspace() or query[i + 1] == ")"):
            tokens.append(Token("minus", "-", i + 1))
            i += 1
        else:
            i = _read_word(query, i, tokens)
    return tokens


def _closing_quote(query: str, start: int) -> int:
    end = query.find('"', start + 1)
    if end < 0:
        raise QueryError(f'unbalanced quote at position {start + 1}: close the phrase with "')
    return end


def _read_word(query: str, start: int, tokens: list[Token]) -> int:
    if query.startswith("NEAR(", start):
        end = query.find(")", start)
        if end < 0:
            raise QueryError(f"unbalanced bracket: NEAR( at position {start + 1} is never closed")
        tokens.append(Token("near", query[start + 5 : end], start + 1))
        return end + 1
    found = _FILTER.match(query, start)
    if found and found.group(1).lower() in FILTERS:
        name, at = found.group(1).lower(), found.end()
        if at < len(query) and query[at] == '"':
            end = _closing_quote(query, at)
            value, next_at = query[at + 1 : end], end + 1
        else:
            end = at
            while end < len(query) and not _breaks(query[end]):
                end += 1
            value, next_at = query[at:end], end
        if not value.strip():
            raise QueryError(f"{name}: at position {start + 1} has no value")
        tokens.append(Token("filter", value.strip(), start + 1, name))
        return next_at
    if found and found.end() < len(query) and not _breaks(query[found.end()]):
        raise QueryError(
            f"unknown filter {found.group(1)!r}: at position {start + 1} "
            f"(filters: {', '.join(name + ':' for name in FILTERS)})"
        )
    end = start
    while end < len(query) and not _breaks(query[end]):
        end += 1
    word = query[start:end]
    tokens.append(Token("op" if word in OPERATORS else "word", word, start + 1))
    return end


# --- what the query means -------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    node: Node | None  # None: filters only
    filters: Filters
    marks: tuple[tuple[str, ...], ...]  # term sequences to mark in snippets, expansions included


def parse_query(query: str, expand: bool = True) -> ParsedQuery:
    """The query's search expression and filters; QueryError names what is wrong and where."""
    reader = _Reader(tokenize(query), expand)
    pieces = reader.top()
    atoms = [p for p in pieces if _is_filter(p)]
    excluded = [p.piece for p in pieces if isinstance(p, _Negated) and _is_filter(p.piece)]
    text = [p for p in pieces if not (_is_filter(p) or (isinstance(p, _Negated) and _is_filter(p.piece)))]
    filters = _filters(atoms, excluded)
    if len(text) > 1:
        found: _Read | None = reader.both_read(text, text[0].position, top=True)
    else:
        found = reader.build(text[0], top=True) if text else None
    if (found is None or found.node is None) and not (atoms or excluded):
        raise QueryError("the query has no words to search for")
    return ParsedQuery(found.node if found else None, filters, tuple(dict.fromkeys(found.marks if found else ())))


def _is_filter(piece: Piece) -> TypeGuard[Token]:
    return isinstance(piece, Token) and piece.kind == "filter"


@dataclass(frozen=True)
class _Read:
    """Part of the query read into the expression: its node (None: nothing to find, as a
    word of punctuation), its position, and the term sequences snippets mark for it
    (none for what it leaves out)."""

    node: Node | None
    position: int
    marks: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class _Bracketed:
    """Brackets around several pieces, read once their place is known: those around the
    whole query hold its filters and may hold only exclusions."""

    pieces: tuple[Piece, ...]
    position: int  # of the first token inside


@dataclass(frozen=True)
class _Negated:
    """-x or NOT x, read once its place is known: -site:x at the top leaves a site out,
    and two cancel (--x is x)."""

    piece: Piece
    position: int


@dataclass(frozen=True)
class _Unreadable:
    """What cannot be read, named once the whole query is: a mistake of syntax anywhere,
    or in a filter's value, is named first."""

    error: QueryError
    position: int


# A word, phrase, NEAR or filter token waits for its neighbours: plain words that spell a
# concept's name (rare earth) are read as one.
Piece = Token | _Read | _Bracketed | _Negated | _Unreadable


class _Reader:
    """query := either; either := both (OR both)*; both := unary (AND? unary)*;
    unary := (NOT | -) unary | ( either ) | word | "phrase" | NEAR(...) | filter

    The tokens straight into the search expression (db.search.expression), each word as
    index terms with the vocabulary's expansions. An exclusion must stand beside something
    to find, except at the top, where a query of exclusions only means everything else:
    checked on what is read (a word of punctuation vanishes)."""

    def __init__(self, tokens: list[Token], expand: bool) -> None:
        self.tokens, self.at, self.depth, self.expand = tokens, 0, 0, expand

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def top(self) -> list[Piece]:
        """The pieces of the whole query, side by side (brackets around all of it are none)."""
        if self.peek() is None:
            raise QueryError("the query is empty")
        pieces, _ = self.either()
        token = self.peek()
        if token is not None:  # only a stray ")" stops `either` early
            raise QueryError(f"unbalanced bracket: ) at position {token.position} has no (")
        while len(pieces) == 1 and isinstance(pieces[0], _Bracketed):
            pieces = list(pieces[0].pieces)
        return pieces

    def either(self) -> tuple[list[Piece], int]:
        runs = [self.both()]
        while (token := self.peek()) is not None and token.text == "OR" and token.kind == "op":
            self.take()
            if self._ends(self.peek()):
                raise QueryError(f"OR at position {token.position} needs a word after it")
            runs.append(self.both())
        if len(runs) == 1:
            return runs[0]
        first = runs[0][1]  # the first token's
        try:
            children = [
                self.build(pieces[0]) if len(pieces) == 1 else self.both_read(pieces, at) for pieces, at in runs
            ]
            for child in children:
                if child.node is not None:
                    _require_positive(child.node, child.position, "add a word beside the exclusion")
        except QueryError as error:
            return [_Unreadable(error, first)], first
        return [_joined(Or, children, first)], first

    def _ends(self, token: Token | None) -> bool:
        return token is None or token.kind == "close" or (token.kind == "op" and token.text in ("AND", "OR"))

    def both(self) -> tuple[list[Piece], int]:
        first = self.peek()
        if first is not None and first.kind == "op" and first.text in ("AND", "OR"):
            raise QueryError(f"{first.text} at position {first.position} needs a word before it")
        if first is None or first.kind == "close":
            raise QueryError("expected a word" + (f" at position {first.position}" if first else " at the end"))
        pieces = [self.unary()]
        while (
            (token := self.peek()) is not None
            and token.kind != "close"
            and not (token.kind == "op" and token.text == "OR")
        ):
            if token.kind == "op" and token.text == "AND":
                self.take()
                if self._ends(self.peek()):
                    raise QueryError(f"AND at position {token.position} needs a word after it")
            pieces.append(self.unary())
        return pieces, first.position

    def unary(self) -> Piece:
        token = self.take()
        if token.kind in ("open", "minus") or (token.kind == "op" and token.text == "NOT"):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise QueryError(
                    f"the query nests too deeply at position {token.position}: "
                    f"at most {MAX_NESTING} brackets and NOTs inside each other"
                )
            try:
                return self._nested(token)
            finally:
                self.depth -= 1
        return token

    def _nested(self, token: Token) -> Piece:
        if token.kind == "minus" or token.kind == "op":
            if self._ends(self.peek()):
                raise QueryError(f"{token.text} at position {token.position} needs a word after it")
            inner = self.unary()
            return inner.piece if isinstance(inner, _Negated) else _Negated(inner, token.position)
        if (after := self.peek()) is not None and after.kind == "close":
            raise QueryError(f"empty brackets at position {token.position}")
        pieces, first = self.either()
        closing = self.peek()
        if closing is None or closing.kind != "close":
            raise QueryError(f"unbalanced bracket: ( at position {token.position} is never closed")
        self.take()
        return pieces[0] if len(pieces) == 1 else _Bracketed(tuple(pieces), first)

    # --- reading pieces into the expression ---

    def build(self, piece: Piece, top: bool = False) -> _Read:
        if isinstance(piece, _Read):
            return piece
        if isinstance(piece, _Unreadable):
            raise piece.error
        if isinstance(piece, _Bracketed):
            return self.both_read(list(piece.pieces), piece.position, top)
        if isinstance(piece, _Negated):
            inner = self.build(piece.piece)
            if inner.node is None:
                return _Read(None, piece.position)
            _require_positive(inner.node, inner.position, "NOT needs a word after it")
            return _Read(Not(inner.node), piece.position)  # what it leaves out is not marked
        if piece.kind == "filter":
            raise QueryError(
                f"{piece.name}: at position {piece.position} is inside brackets, OR or NOT: "
                "filters apply to the whole query (write -site:x to leave a site out)"
            )
        if piece.kind == "phrase":
            if re.search(r"[^\W_]\*(?!\S)", piece.text):  # a star ending a word, not c++* punctuation
                raise QueryError(f"a prefix (word*) cannot be inside a phrase, at position {piece.position}")
            return self._leaf(_terms_of(piece.text), piece.position, phrase=True)
        if piece.kind == "near":
            return self._near(piece)
        if piece.text.endswith("*") and piece.text.strip("*"):
            return self._prefix(piece)
        return self._leaf(_terms_of(piece.text), piece.position, phrase=not HAN.search(piece.text))

    def both_read(self, pieces: list[Piece], position: int, top: bool = False) -> _Read:
        both = _joined(And, self._conjuncts(pieces), position)
        if both.node is not None and not top:
            _require_positive(both.node, position, "add a word beside the exclusion")
        return both

    def _prefix(self, word: Token) -> _Read:
        """Index words starting with the written letters (Simplified, lower case), and, for
        English, with their stem too (penalty* finds penalties, whose stem is penalti).
        Prefixes are not expanded to the vocabulary's other names."""
        written = to_simplified(fold_width(word.text.rstrip("*"))).lower()
        if not re.fullmatch(r"[^\W_]+", written):
            raise QueryError(
                f"a prefix is one word of letters or characters before *, not {word.text!r} at position {word.position}"
            )
        if len(written) < MIN_PREFIX and not HAN.search(written):
            raise QueryError(f"a prefix needs {MIN_PREFIX} letters or more before *, at position {word.position}")
        stems = _terms_of(written)
        shapes = dict.fromkeys([written] + ([stems[0]] if len(stems) == 1 and written.isascii() else []))
        # Snippets mark English prefixes by a final * (monitor.search).
        marks = ((written,),) if HAN.search(written) else tuple((shape + "*",) for shape in shapes)
        return _joined(Or, [_Read(Prefix(shape), word.position) for shape in shapes], word.position, marks)

    def _near(self, item: Token) -> _Read:
        """NEAR(a b, N): the two words or phrases within N words of each other, in either
        order, in the title or in the body (as phrases, on the text's own words)."""
        words, comma, distance = item.text.rpartition(",")
        if not comma:
            words, distance = item.text, str(NEAR_DISTANCE)
        where = f"NEAR at position {item.position}"
        if not distance.strip().isdigit() or not 0 <= int(distance) <= MAX_NEAR_DISTANCE:
            raise QueryError(
                f"{where}: the distance after the comma is a number of words from 0 to {MAX_NEAR_DISTANCE}"
            )
        parts = tokenize(words)
        if len(parts) != 2 or any(t.kind not in ("word", "phrase") or "*" in t.text for t in parts):
            raise QueryError(f'{where} takes two words or "phrases" and a distance: NEAR(督察 整改, 10)')
        first, second = (_terms_of(t.text) for t in parts)
        if not (first and second):
            raise QueryError(f"{where}: a word of punctuation finds nothing")
        return _Read(Near((first, second), int(distance)), item.position, (first, second))

    def _conjuncts(self, pieces: list[Piece]) -> list[_Read]:
        """Runs of plain words that spell a concept's name (rare earth) expand as one."""
        out: list[_Read] = []
        i = 0
        while i < len(pieces):
            run = self._alias_run(pieces, i)
            if run > 1:
                words = [_terms_of(w.text) for w in pieces[i : i + run] if isinstance(w, Token)]
                at = pieces[i].position
                key = tuple(t for w in words for t in w)
                plain = _joined(And, [self._leaf(w, at, phrase=False, expand=False) for w in words], at)
                out.append(_joined(Or, [plain, *self._alternatives(key, at)], at))
                i += run
            else:
                out.append(self.build(pieces[i]))
                i += 1
        return out

    def _alias_run(self, pieces: list[Piece], start: int) -> int:
        if not self.expand:
            return 1
        words = []
        for piece in pieces[start : start + MAX_ALIAS_WORDS]:
            if not (isinstance(piece, Token) and piece.kind == "word"):
                break
            words.append(_terms_of(piece.text))
        for size in range(len(words), 1, -1):
            if tuple(t for w in words[:size] for t in w) in alias_index():
                return size
        return 1

    def _leaf(self, found: tuple[str, ...], position: int, phrase: bool, expand: bool = True) -> _Read:
        if not found:
            return _Read(None, position)
        marks = (found,) if phrase else tuple((t,) for t in found)
        node: Node = (
            Term(found[0]) if len(found) == 1 else (Phrase(found) if phrase else And(tuple(Term(t) for t in found)))
        )
        if not (expand and self.expand) or found not in alias_index():
            return _Read(node, position, marks)
        return _joined(Or, [_Read(node, position, marks), *self._alternatives(found, position)], position)

    def _alternatives(self, key: tuple[str, ...], position: int) -> list[_Read]:
        names = sorted({name for cid in alias_index()[key] for name in concept_names()[cid]} - {key})
        return [_Read(Term(name[0]) if len(name) == 1 else Phrase(name), position, (name,)) for name in names]


def _require_positive(node: Node, position: int, advice: str) -> None:
    if not is_positive(node):
        raise QueryError(f"nothing to find at position {position}: {advice}")


def _joined(
    kind: type[And] | type[Or], parts: list[_Read], position: int, marks: tuple[tuple[str, ...], ...] | None = None
) -> _Read:
    """The parts joined by AND or OR, flat ((a OR (b OR c)) is (a OR b OR c), so nesting
    stays shallow), with their marks (or those given)."""
    kept: list[Node] = []
    for part in parts:
        if isinstance(part.node, kind):
            kept.extend(part.node.children)
        elif part.node is not None:
            kept.append(part.node)
    node = None if not kept else kept[0] if len(kept) == 1 else kind(tuple(kept))
    return _Read(node, position, tuple(m for part in parts for m in part.marks) if marks is None else marks)


def _terms_of(text: str) -> tuple[str, ...]:
    return tuple(terms(cut(to_simplified(fold_width(text)))))


# --- the vocabulary's names -----------------------------------------------------------------


def _index_terms(names: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(key for name in names if (key := _terms_of(name)))


@cache
def concept_names() -> dict[str, frozenset[tuple[str, ...]]]:
    """Each concept's names that a search for it looks for (labels, aliases, search-only
    names) as index terms."""
    return {c.id: _index_terms(c.en + c.zh + c.search) for c in load_vocabulary().concepts}


@cache
def alias_index() -> dict[tuple[str, ...], frozenset[str]]:
    """Index terms of a name -> the concepts it names (its `finds` words too: fine names
    the penalty concept, though a search for the concept does not look for fine)."""
    index: dict[tuple[str, ...], set[str]] = {}
    for concept in load_vocabulary().concepts:
        for name in concept_names()[concept.id] | _index_terms(concept.finds):
            index.setdefault(name, set()).add(concept.id)
    return {name: frozenset(ids) for name, ids in index.items()}


@cache
def narrower() -> dict[str, frozenset[str]]:
    """Each concept with every concept below it (children, their children...)."""
    children: dict[str, set[str]] = {}
    for concept in load_vocabulary().concepts:
        for parent in concept.parents:
            children.setdefault(parent, set()).add(concept.id)

    def below(cid: str, seen: frozenset[str]) -> set[str]:
        out = {cid}
        for child in children.get(cid, ()):
            if child not in seen:
                out |= below(child, seen | {child})
        return out

    return {c.id: frozenset(below(c.id, frozenset({c.id}))) for c in load_vocabulary().concepts}


# --- filters ---------------------------------------------------------------------------------


def _filters(atoms: list[Token], excluded: list[Token]) -> Filters:
    found = Filters()
    for atom in atoms:
        found = _add_filter(found, atom, negated=False)
    for atom in excluded:
        found = _add_filter(found, atom, negated=True)
    return found


def _add_filter(filters: Filters, atom: Token, negated: bool) -> Filters:
    value, where = atom.text, f"at position {atom.position}"
    if atom.name in ("since", "until"):
        if negated:
            raise QueryError(f"{atom.name}: {where} cannot be excluded")
        if getattr(filters, atom.name) is not None:
            raise QueryError(f"{atom.name}: {where} is given twice")
        start, end = period(value, f"{atom.name}: at position {atom.position}")
        return replace(filters, since=start) if atom.name == "since" else replace(filters, until=end)
    if atom.name == "tag":
        ids = resolve_tag(value, where)
        if negated:
            return replace(filters, not_tags=filters.not_tags + tuple(sorted(ids)))
        return replace(filters, tags=filters.tags + (tuple(sorted(ids)),))
    value = value.lower()
    allowed = {"lang": LANGS, "relevance": RELEVANCE}.get(atom.name)
    if allowed and value not in allowed:
        raise QueryError(f"{atom.name}: {where} takes {', '.join(allowed)}, not {value!r}")
    field_name = {"site": "sites", "lang": "langs", "relevance": "relevance"}[atom.name]
    if negated:
        field_name = "not_" + field_name
    return replace(filters, **{field_name: getattr(filters, field_name) + (value,)})


def resolve_tag(value: str, where: str = "") -> frozenset[str]:
    """tag_ids, or a QueryError naming the unknown tag (the query and `facts --tag` alike)."""
    ids = tag_ids(value)
    if ids is None:
        raise QueryError(
            f"unknown tag {value!r}{' ' + where if where else ''}: give a concept id (chinalco) or a name (中铝)"
        )
    return ids


def tag_ids(value: str) -> frozenset[str] | None:
    """A tag filter's concepts: the one named (by id or any name) and those below it."""
    named = {value} if value in narrower() else set(alias_index().get(_terms_of(value), ()))
    if not named:
        return None
    return frozenset(cid for n in named for cid in narrower()[n])


_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def period(value: str, what: str) -> tuple[datetime, datetime]:
    """The first moment of a year, month or day in China time, and of the one after it:
    since: and until: in a query, --since and --until of search and facts. `what` names
    the value in messages."""
    found = _PERIOD.fullmatch(value)
    problem = f"{what} takes a day (2020-10-15), a month (2020-10) or a year, not {value!r}"
    if not found:
        raise QueryError(problem)
    year = int(found.group(1))
    month, day = (int(g) if g else None for g in found.groups()[1:])
    if month == 0 or day == 0:
        raise QueryError(problem)
    if not 1900 <= year <= 2999:
        raise QueryError(f"{what}: the year must be between 1900 and 2999")
    try:
        start = datetime(year, month or 1, day or 1, tzinfo=CHINA_TZ)
    except ValueError:
        raise QueryError(problem) from None
    if day:
        end = start + timedelta(days=1)
    elif month is not None:
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=CHINA_TZ)
    else:
        end = datetime(year + 1, 1, 1, tzinfo=CHINA_TZ)
    return start, end
