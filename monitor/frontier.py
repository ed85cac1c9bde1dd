"""The distributed crawl's frontier in Redis: per site a queue of requests, the fingerprints
seen (scrapy-redis's duplicate filter), the requests taken and not yet finished (leases), and
the site's politeness gate. Every change that must not be seen half done is one Lua script,
timed by the Redis server's clock (workers on several machines share one clock).

Keys, under the prefix (MONITOR_REDIS_PREFIX) and a site's id:
- `P:sites`: hash, site id -> the site as JSON (spider, base_url, delay, concurrency).
- `P:S:queue`: sorted set of encoded requests, scored -priority (scrapy-redis's PriorityQueue).
- `P:S:seen`: set of the fingerprints of the requests queued in the crawl under way.
- `P:S:leases`: sorted set, a taken request -> when its lease runs out (ms, Redis time); the
  worker that holds it renews it while it lives. `P:S:taken` remembers its score and holder.
  A lease run out goes back to the queue (a worker killed: its requests are not lost).
- `P:S:slots`: sorted set, a download under way -> when its slot runs out: at most the site's
  concurrency, whatever the number of workers. `P:S:next`: when the next download may start
  (the site's delay after the last one started).
- `P:S:reclaimed`: how many leases ran out and went back to the queue."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import redis

logger = logging.getLogger(__name__)

# Leases run out and go back to the queue: at the start of every script that reads the queue.
_RECLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
for _, member in ipairs(expired) do
  local taken = redis.call('HGET', KEYS[3], member) or '0|'
  redis.call('ZADD', KEYS[1], string.match(taken, '^([^|]*)'), member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[3], member)
  redis.call('INCR', KEYS[4])
end
"""

# KEYS: queue leases taken reclaimed; ARGV: lease_ms holder. The queue's first request,
# leased to the holder; nil when the queue is empty.
_TAKE = (
    _RECLAIM
    + """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return nil end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), top[1])
redis.call('HSET', KEYS[3], top[1], top[2] .. '|' .. ARGV[2])
return top[1]
"""
)

# KEYS: slots next; ARGV: slot_ms delay_ms concurrency token. A download slot for the token
# (0), or the ms to wait: while every slot is busy (-1), or the delay since the last start runs.
_ENTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local concurrency = tonumber(ARGV[3])
if concurrency > 0 and redis.call('ZCARD', KEYS[1]) >= concurrency then return -1 end
local next_at = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < next_at then return next_at - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[4])
local delay = tonumber(ARGV[2])
if delay > 0 then redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000) end
return 0
"""

# KEYS: queue leases taken reclaimed; returns {requests queued, leases held}.
_STATE = _RECLAIM + "return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}"

# KEYS: leases taken queue; ARGV: holder, mode (ack, renew, release), lease_ms, requests...
# Only the holder's own leases: one that ran out and was taken by another worker is theirs.
_SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local done = 0
for i = 4, #ARGV do
  local taken = redis.call('HGET', KEYS[2], ARGV[i])
  if taken and string.match(taken, '|(.*)$') == ARGV[1] then
    if ARGV[2] == 'renew' then
      redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[i])
    else
      redis.call('ZREM', KEYS[1], ARGV[i])
      redis.call('HDEL', KEYS[2], ARGV[i])
      if ARGV[2] == 'release' then redis.call('ZADD', KEYS[3], string.match(taken, '^([^|]*)'), ARGV[i]) end
    end
    done = done + 1
  end
end
return done
"""

# KEYS: queue leases seen; ARGV: fingerprint, score, request, ... Returns the requests queued
# (those seen in the crawl under way are not). Seen and queued in one script: a worker killed
# between the two would leave a request seen and never queued, lost to every later try.
_ADD = """
local added = 0
for i = 1, #ARGV, 3 do
  if redis.call('SADD', KEYS[3], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i + 2])
    added = added + 1
  end
end
return added
"""

# As _ADD; a site whose queue and leases are empty has no crawl under way: its fingerprints
# are of the last crawl, and are forgotten first.
_SEED = (
    "if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[3]) end\n"
    + _ADD
)


@dataclass(frozen=True)
class Site:
    """A site of the distributed crawl: a spider at an address, and its politeness, which
    holds for all the workers together."""

    spider: str
    base_url: str
    delay: float  # seconds between the starts of two downloads
    concurrency: int  # downloads under way at once
    max_pages: int | None = None  # the spider's list pages at most (None: its default)

    @property
    def id(self) -> str:
        return hashlib.sha1(f"{self.spider} {self.base_url}".encode()).hexdigest()[:16]


class Frontier:
    """One site's keys and scripts on one Redis."""

    def __init__(self, server: redis.Redis, prefix: str, site: Site) -> None:
        self.server, self.prefix, self.site = server, prefix, site
        base = f"{prefix}:{site.id}"
        self.queue_key, self.seen_key = f"{base}:queue", f"{base}:seen"
        self.leases_key, self.taken_key, self.reclaimed_key = f"{base}:leases", f"{base}:taken", f"{base}:reclaimed"
        self.slots_key, self.next_key = f"{base}:slots", f"{base}:next"
        self._take = server.register_script(_TAKE)
        self._enter = server.register_script(_ENTER)
        self._state = server.register_script(_STATE)
        self._settle = server.register_script(_SETTLE)
        self._seed = server.register_script(_SEED)
        self._add = server.register_script(_ADD)

    def seed(self, requests: Iterable[tuple[str, float, bytes]]) -> int:
        """Queue (fingerprint, score, request) that the crawl under way has not seen; the
        site is named in the sites for the workers. Returns the requests queued."""
        arguments = [value for request in requests for value in request]
        self.server.hset(f"{self.prefix}:sites", self.site.id, json.dumps(asdict(self.site)))
        return int(self._seed(keys=[self.queue_key, self.leases_key, self.seen_key], args=arguments))

    def add(self, requests: Iterable[tuple[str, float, bytes]]) -> int:
        """Queue (fingerprint, score, request) that the crawl under way has not seen, each seen
        and queued at once. Returns the requests queued."""
        arguments = [value for request in requests for value in request]
        return int(self._add(keys=[self.queue_key, self.leases_key, self.seen_key], args=arguments))

    def push(self, score: float, request: bytes) -> None:
        """Queue the request whether seen or not (a retry, a redirect, `dont_filter`)."""
        self.server.zadd(self.queue_key, {request: score})

    def take(self, holder: str, lease: float) -> bytes | None:
        """The queue's first request, leased to the holder for `lease` seconds; None when empty."""
        keys = [self.queue_key, self.leases_key, self.taken_key, self.reclaimed_key]
        return self._take(keys=keys, args=[round(lease * 1000), holder])

    def enter(self, token: str, slot: float) -> float | None:
        """A download slot of the site for the token, held `slot` seconds at most (None), or
        the seconds to wait before asking again (0: when a slot is given back)."""
        args: list[int | str] = [round(slot * 1000), round(self.site.delay * 1000), self.site.concurrency, token]
        wait = int(self._enter(keys=[self.slots_key, self.next_key], args=args))
        return None if wait == 0 else max(wait, 0) / 1000

    def leave(self, token: str) -> None:
        self.server.zrem(self.slots_key, token)

    def state(self) -> tuple[int, int]:
        """(requests queued, leases held), once the leases run out are back in the queue."""
        queued, leased = self._state(keys=[self.queue_key, self.leases_key, self.taken_key, self.reclaimed_key])
        return int(queued), int(leased)

    def settle(self, holder: str, mode: str, requests: list[bytes], lease: float = 0.0) -> int:
        """The holder's leases of these requests acknowledged (done: gone), renewed, or
        released (back to the queue). Returns how many were the holder's."""
        if not requests:
            return 0
        keys = [self.leases_key, self.taken_key, self.queue_key]
        return int(self._settle(keys=keys, args=[holder, mode, round(lease * 1000), *requests]))

    def reclaimed(self) -> int:
        return int(self.server.get(self.reclaimed_key) or 0)

    def holders(self) -> dict[str, int]:
        """Leases held, by holder."""
        counts: dict[str, int] = {}
        for taken in self.server.hvals(self.taken_key):
            holder = (taken.decode() if isinstance(taken, bytes) else taken).split("|", 1)[1]
            counts[holder] = counts.get(holder, 0) + 1
        return counts


_unread: set[tuple[str, bytes | str]] = set()  # the sites `sites` passed over (said once)


def sites(server: redis.Redis, prefix: str) -> list[Site]:
    """The sites ever seeded under the prefix that this version of monitor reads: one seeded
    by another (a field more or less) is passed over, said once."""
    found = []
    for site_id, value in server.hgetall(f"{prefix}:sites").items():
        try:
            found.append(Site(**json.loads(value)))
        except (TypeError, ValueError):
            if (prefix, site_id) not in _unread:
                _unread.add((prefix, site_id))
                text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                logger.warning("a site this version of monitor does not read, left to other workers: %s", text)
    return found


def connect(url: str) -> redis.Redis:
    """A client of the Redis at the URL (redis://host:port/db); raises FrontierError when it
    cannot be reached."""
    try:
        _database_number(url)
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError, TypeError) as error:  # TypeError: an option redis-py has not (?x=1)
        raise FrontierError(f"no Redis at {url}: {error}") from None
    return server


def _database_number(url: str) -> None:
    """redis-py takes a database that is not a number (redis://host/frontier) for 0, unsaid."""
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if parts.scheme in ("redis", "rediss") and database and not database.isdigit():
        raise ValueError(f"the database must be a number (redis://host:port/0), not {database!r}")


class FrontierError(Exception):
    """Redis cannot be reached (MONITOR_REDIS_URL)."""
