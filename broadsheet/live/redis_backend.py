"""Live readers in Redis, shared by every worker and host; each call is one atomic Lua script.

Per scope, three keys: ``t`` (sorted set, visitor -> time of last beat) says who expires next,
``i`` (hash, visitor -> item) says what they read, ``c`` (sorted set, item -> readers) answers
the top list in O(log n). Expired readers are pruned by the next call, and every key is given
a TTL of 2 windows on each beat, so an idle site's keys vanish by themselves.
"""

from __future__ import annotations

from typing import Any, cast

import redis

_LIB = """
local t, i, c = KEYS[1], KEYS[2], KEYS[3]
local function drop(v)
  local item = redis.call('HGET', i, v)
  if item then
    if tonumber(redis.call('ZINCRBY', c, -1, item)) <= 0 then redis.call('ZREM', c, item) end
    redis.call('HDEL', i, v)
  end
  redis.call('ZREM', t, v)
end
local function prune(cutoff, limit)
  local old = redis.call('ZRANGEBYSCORE', t, '-inf', cutoff, 'LIMIT', 0, limit)
  for _, v in ipairs(old) do drop(v) end
  return #old
end
"""

# ARGV: now, cutoff, min_interval, ttl, visitor, item, previous ("" for none)
_BEAT = (
    _LIB
    + """
prune(ARGV[2], 50)
local now, v, item = tonumber(ARGV[1]), ARGV[5], ARGV[6]
if ARGV[7] ~= '' then drop(ARGV[7]) end
local current = redis.call('HGET', i, v)
if current == item then
  if now - tonumber(redis.call('ZSCORE', t, v)) < tonumber(ARGV[3]) then return 0 end
elseif current then
  drop(v)
end
redis.call('ZADD', t, ARGV[1], v)
if current ~= item then
  redis.call('HSET', i, v, item)
  redis.call('ZINCRBY', c, 1, item)
end
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ARGV[4]) end
return 1
"""
)

# ARGV: cutoff, visitor, item
_LEAVE = (
    _LIB
    + """
prune(ARGV[1], 50)
if redis.call('HGET', i, ARGV[2]) == ARGV[3] then drop(ARGV[2]) end
return 0
"""
)

# ARGV: cutoff
_PRUNE = (
    _LIB
    + """
while prune(ARGV[1], 1000) == 1000 do end
return 0
"""
)


def _keys(scope: str) -> list[str]:
    # The braces are a Redis Cluster hash tag: a scope's three keys live on one node.
    return [f"lv:{{{scope}}}:{suffix}" for suffix in ("t", "i", "c")]


class RedisBackend:
    def __init__(self, client: redis.Redis, window: float, min_interval: float) -> None:
        self.window = window
        self.min_interval = min_interval
        self.client = client
        self._beat = client.register_script(_BEAT)
        self._leave = client.register_script(_LEAVE)
        self._prune = client.register_script(_PRUNE)

    @classmethod
    def from_url(cls, url: str, window: float, min_interval: float, timeout: float) -> RedisBackend:
        client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_timeout=False
        )
        return cls(client, window, min_interval)

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        args: list[Any] = [
            repr(now),
            repr(now - self.window),
            repr(self.min_interval),
            int(2 * self.window),
            visitor,
            item,
            previous or b"",
        ]
        return bool(self._beat(keys=_keys(scope), args=args))

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        self._leave(keys=_keys(scope), args=[repr(now - self.window), visitor, item])

    def counts(self, scope: str, now: float) -> dict[str, int]:
        keys = _keys(scope)
        self._prune(keys=keys, args=[repr(now - self.window)])
        pairs = cast(list[tuple[bytes, float]], self.client.zrange(keys[2], 0, -1, withscores=True))
        return {item.decode(): int(count) for item, count in pairs}

    def top(self, scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
        keys = _keys(scope)
        pipe = self.client.pipeline(transaction=False)
        self._prune(keys=keys, args=[repr(now - self.window)], client=pipe)
        pipe.zrevrangebyscore(keys[2], "+inf", minimum, start=0, num=n, withscores=True)
        pairs = cast(list[tuple[bytes, float]], pipe.execute()[-1])
        return [(item.decode(), int(count)) for item, count in pairs]
