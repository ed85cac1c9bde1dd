"""A search's expression: the one syntax tree of a query, from the parser (monitor.query)
to the SQL of either engine, and its two compilers: FTS5's MATCH text (SQLite) and a
tsquery (PostgreSQL). Its leaves are index terms (pipelines.segment.terms): the query's
words as the index holds them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    term: str


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Index words starting with `start` (in the title, body or parts)."""

    start: str


@dataclass(frozen=True)
class Near:
    """Two phrases (of one term or more) within `distance` words of each other, in either
    order, in one field (title or body): `distance` words or fewer between them."""

    phrases: tuple[tuple[str, ...], tuple[str, ...]]
    distance: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | Prefix | Near | And | Or | Not


def is_positive(node: Node) -> bool:
    """Whether the node names articles to find (not only ones to leave out)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(is_positive(c) for c in node.children)
    if isinstance(node, Or):
        return all(is_positive(c) for c in node.children)
    return True


def vocabulary(node: Node) -> tuple[set[str], set[str]]:
    """The terms a node reads, and the starts of its prefixes: a document with only those
    terms (at their positions) matches it as the whole document does."""
    if isinstance(node, Term):
        return {node.term}, set()
    if isinstance(node, Phrase):
        return set(node.terms), set()
    if isinstance(node, Prefix):
        return set(), {node.start}
    if isinstance(node, Near):
        return {t for p in node.phrases for t in p}, set()
    words: set[str] = set()
    starts: set[str] = set()
    for child in node.children if isinstance(node, And | Or) else (node.child,):
        more_words, more_starts = vocabulary(child)
        words |= more_words
        starts |= more_starts
    return words, starts


def split_top(node: Node) -> tuple[Node | None, Node | None]:
    """(what to find, what to leave out) at the top: a query of only exclusions finds
    every article (within the filters) but those."""
    if is_positive(node):
        return node, None
    if isinstance(node, Not):
        return None, node.child
    assert isinstance(node, And) and all(isinstance(c, Not) for c in node.children)
    excluded = tuple(c.child for c in node.children)  # type: ignore[union-attr]
    return None, excluded[0] if len(excluded) == 1 else Or(excluded)


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_expression(node: Node) -> str:
    """An FTS5 MATCH expression; every term a quoted string, so no input is syntax."""
    if isinstance(node, Term):
        return _fts5_string(node.term)
    if isinstance(node, Phrase):
        return "{title body} : " + _fts5_string(" ".join(node.terms))
    if isinstance(node, Prefix):  # not the filters column, whose terms any prefix might begin
        return "{title body parts} : " + _fts5_string(node.start) + " *"
    if isinstance(node, Near):
        first, second = (_fts5_string(" ".join(p)) for p in node.phrases)
        return f"{{title body}} : NEAR({first} {second}, {node.distance})"
    if isinstance(node, Or):
        return "(" + " OR ".join(fts5_expression(c) for c in node.children) + ")"
    if isinstance(node, And):
        found = [fts5_expression(c) for c in node.children if not isinstance(c, Not)]
        left = [fts5_expression(c.child) for c in node.children if isinstance(c, Not)]
        expression = "(" + " AND ".join(found) + ")"
        return f"({expression} NOT ({' OR '.join(left)}))" if left else expression
    raise ValueError("an exclusion needs something to exclude from")


def tsquery_expression(node: Node) -> str:
    """The same expression as a tsquery in its input form (lexemes taken as they are)."""
    if isinstance(node, Term):
        return lexeme(node.term)
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(lexeme(t) + ":AB" for t in node.terms) + ")"
    if isinstance(node, Prefix):
        return lexeme(node.start) + ":*"
    if isinstance(node, Near):
        return _tsquery_near(node)
    if isinstance(node, Or):
        return "(" + " | ".join(tsquery_expression(c) for c in node.children) + ")"
    if isinstance(node, And):
        return "(" + " & ".join(tsquery_expression(c) for c in node.children) + ")"
    return "!" + tsquery_expression(node.child)


def _tsquery_near(node: Near) -> str:
    """FTS5's NEAR in tsquery terms: `<d>` puts the second phrase's start exactly d
    positions after the first phrase's end, so "within N words, either order" is every d
    from 1 to N + 1 in both orders; each within one field (weights A: title, B: body), as
    FTS5 matches within one column (db.search.postgres puts the fields FIELD_GAP positions apart only)."""
    alternatives = []
    for weight in "AB":
        first, second = (" <-> ".join(lexeme(t) + ":" + weight for t in p) for p in node.phrases)
        for left, right in ((first, second), (second, first)):
            alternatives += [f"(({left}) <{d}> ({right}))" for d in range(1, node.distance + 2)]
    return "(" + " | ".join(alternatives) + ")"


def lexeme(term: str) -> str:
    """A term as a tsquery or tsvector takes it: quoted, taken as it is."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
