"""Live readers in Redis, shared by every worker and host; each call is one atomic Lua script.

Per scope, three keys: ``t`` (sorted set, visitor -> time of last beat) says who expires next,
``i`` (hash, visitor -> item) says what they read, ``c`` (sorted set, item -> readers) answers
the top list in O(log n). Expired readers are pruned by the next call, and every key is given
a TTL of 2 windows on each call, so an idle site's keys vanish by themselves.

One script call applies a batch of beats and leaves in order, each at its own time, so a
batch gives exactly the counts its beats would have given one by one (``buffer.py`` sends
a worker's beats this way twice a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, cast

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

# ARGV: min_interval, ttl, then per operation six values: "b" (beat) or "l" (leave), its
# time, time - window (computed by Python: Lua would print it with 14 digits), visitor, item,
# and the visitor's key under the previous salt ("" for none). Returns 1 or 0 per operation:
# counted, or not (a repeat sooner than min_interval, or a leave).
_APPLY = (
    _LIB
    + """
local gap, out = tonumber(ARGV[1]), {}
for n = 3, #ARGV, 6 do
  local now, v, item = tonumber(ARGV[n + 1]), ARGV[n + 3], ARGV[n + 4]
  prune(ARGV[n + 2], 50)
  local counted = 0
  if ARGV[n] == 'l' then
    if redis.call('HGET', i, v) == item then drop(v) end
  else
    if ARGV[n + 5] ~= '' then drop(ARGV[n + 5]) end
    local current = redis.call('HGET', i, v)
    if current ~= item or now - tonumber(redis.call('ZSCORE', t, v)) >= gap then
      if current and current ~= item then drop(v) end
      redis.call('ZADD', t, ARGV[n + 1], v)
      if current ~= item then
        redis.call('HSET', i, v, item)
        redis.call('ZINCRBY', c, 1, item)
      end
      counted = 1
    end
  end
  out[#out + 1] = counted
end
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ARGV[2]) end
return out
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

# Operations per script call: a long script would hold up every other Redis client.
BATCH = 200


class Op(NamedTuple):
    """One beat (or, with ``leave``, one leave) at its own time."""

    at: float
    visitor: bytes
    item: str
    previous: bytes | None = None
    leave: bool = False


def _keys(scope: str) -> list[str]:
    # The braces are a Redis Cluster hash tag: a scope's three keys live on one node.
    return [f"lv:{{{scope}}}:{suffix}" for suffix in ("t", "i", "c")]


class RedisBackend:
    def __init__(self, client: redis.Redis, window: float, min_interval: float) -> None:
        self.window = window
        self.min_interval = min_interval
        self.client = client
        self._apply = client.register_script(_APPLY)
        self._prune = client.register_script(_PRUNE)

    @classmethod
    def from_url(cls, url: str, window: float, min_interval: float, timeout: float) -> RedisBackend:
        client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_timeout=False
        )
        return cls(client, window, min_interval)

    def apply(self, scope: str, ops: Sequence[Op]) -> list[bool]:
        """Apply beats and leaves in order: one round trip, one script call per BATCH."""
        keys, head = _keys(scope), [repr(self.min_interval), int(2 * self.window)]
        pipe = self.client.pipeline(transaction=False)
        for start in range(0, len(ops), BATCH):
            args: list[Any] = list(head)
            for op in ops[start : start + BATCH]:
                at = repr(op.at)
                args += ["l" if op.leave else "b", at, repr(op.at - self.window)]
                args += [op.visitor, op.item, op.previous or b""]
            self._apply(keys=keys, args=args, client=pipe)
        results = cast(list[list[int]], pipe.execute())
        return [bool(flag) for batch in results for flag in batch]

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        return self.apply(scope, [Op(now, visitor, item, previous)])[0]

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        self.apply(scope, [Op(now, visitor, item, leave=True)])

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
