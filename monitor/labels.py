"""Names people read in place of ids: a concept's Chinese label from the vocabulary (中铝集团
for chinalco), and a site host's spider (cnmn for 127.0.0.1:8742), a mirror's marked."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Integer, func, select

from db.models import Article
from pipelines.vocabulary import load_vocabulary


@cache
def tag_labels() -> dict[str, str]:
    """Every concept id's label: its Chinese name, else its English one (a concept may have
    no Chinese name)."""
    return {c.id: (c.zh or c.en or (c.id,))[0] for c in load_vocabulary().concepts}


def tag_label(concept: str) -> str:
    return tag_labels().get(concept, concept)


def site_labels(conn: Connection) -> dict[str, str]:
    """Each stored host's spider name; a host most of whose articles are a mirror's garbled
    copies is the spider's mirror (the spider is the same, the site is not)."""
    rows = conn.execute(
        select(Article.host, Article.site, func.count(), func.sum(func.cast(Article.garbled, Integer())))
        .group_by(Article.host, Article.site)
        .order_by(Article.host, func.count().desc())
    ).all()
    labels: dict[str, str] = {}
    for host, site, articles, garbled in rows:
        if host not in labels:  # one spider per host; should two have stored, the larger names it
            labels[host] = f"{site} 镜像 mirror" if 2 * (garbled or 0) > articles else site
    return labels
