"""The Lua scripts of the Redis store: a transaction's commit, a page of an index and its records, the exchange
requests start and end with (the versions snapshot, journal entries), the unlock.

Each runs atomically in Redis, so a commit is all or nothing and a page is a consistent snapshot of its keys
and their records. Record keys
are built inside the script from the record-key prefix and each member (a plain key for the insertion-order
sets; for the ordered index, the key at the member's end, its length in the last two bytes: see
:func:`fakenova.store.redis_index.member`). fakenova runs against one Redis, not a cluster.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

_RANGE = """
local keys = redis.call('ZRANGE', KEYS[1], 0, -1)
local records = {}
for start = 1, #keys, 1000 do
  local names = {}
  for i = start, math.min(start + 999, #keys) do names[#names + 1] = ARGV[1] .. keys[i] end
  local found = redis.call('MGET', unpack(names))
  for i = 1, #found do records[#records + 1] = found[i] end
end
return {keys, records}
"""

_WALK = """
local members
if ARGV[2] == '1' then
  members = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[3], '-', 'LIMIT', 0, tonumber(ARGV[4]))
else
  members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], '+', 'LIMIT', 0, tonumber(ARGV[4]))
end
if #members == 0 then return {members, {}} end
local names = {}
for i = 1, #members do
  local m = members[i]
  local n = string.byte(m, -2) * 256 + string.byte(m, -1)
  names[i] = ARGV[1] .. string.sub(m, -2 - n, -3)
end
return {members, redis.call('MGET', unpack(names))}
"""

#: ARGV: lock key, our lock token (or empty), sequence key, versions hash, N, then N (record key, bytes read or
#: empty for missing) checks, then the write ops of :class:`~fakenova.store.redis_txn.Ops`. The ops are all
#: checked before the first is applied, so a malformed list writes nothing either.
_COMMIT = """
local holder = redis.call('GET', ARGV[1])
if holder and holder ~= ARGV[2] then return {2, {}} end
local at = 6
for _ = 1, tonumber(ARGV[5]) do
  local now = redis.call('GET', ARGV[at])
  if ARGV[at + 1] == '' then
    if now then return {1, {}} end
  elseif now ~= ARGV[at + 1] then return {1, {}} end
  at = at + 2
end
local width = {S = 3, D = 2, N = 1, Z = 4, R = 3, A = 3, H = 4, V = 2}
local check = at
while check <= #ARGV do
  local step = width[ARGV[check]]
  if not step then return redis.error_reply('commit: unknown op ' .. tostring(ARGV[check])) end
  check = check + step
end
if check ~= #ARGV + 1 then return redis.error_reply('commit: truncated ops') end
local seq, versions = 0, {}
while at <= #ARGV do
  local op = ARGV[at]
  if op == 'S' then redis.call('SET', ARGV[at + 1], ARGV[at + 2])
  elseif op == 'D' then redis.call('DEL', ARGV[at + 1])
  elseif op == 'N' then seq = redis.call('INCR', ARGV[3])
  elseif op == 'Z' then
    local score = ARGV[at + 3]
    if score == '*' then score = seq end
    redis.call('ZADD', ARGV[at + 1], score, ARGV[at + 2])
  elseif op == 'R' then redis.call('ZREM', ARGV[at + 1], ARGV[at + 2])
  elseif op == 'A' then redis.call('SADD', ARGV[at + 1], ARGV[at + 2])
  elseif op == 'H' then redis.call('HINCRBY', ARGV[at + 1], ARGV[at + 2], ARGV[at + 3])
  elseif op == 'V' then
    versions[#versions + 1] = ARGV[at + 1]
    versions[#versions + 1] = redis.call('HINCRBY', ARGV[4], ARGV[at + 1], 1)
  end
  at = at + width[op]
end
if #versions > 0 then redis.call('HINCRBY', ARGV[4], '!n', 1) end
return {0, versions}
"""

#: ARGV: versions hash, the stamp and incarnation this process last read (or empty: read the hash), '1' if a
#: snapshot is wanted, the journal and capture lists and how many of each to keep, N, N record keys, then
#: (journal entry, capture) pairs. Every change to a kind's version also moves the hash's ``!n`` stamp in the
#: same atomic step, so an unchanged stamp and incarnation mean an unchanged hash: false comes back in its place.
_EXCHANGE = """
local found = false
if ARGV[4] == '1' and (ARGV[2] == '' or redis.call('HGET', ARGV[1], '!n') ~= ARGV[2]
                       or redis.call('HGET', ARGV[1], '!id') ~= ARGV[3]) then
  found = redis.call('HGETALL', ARGV[1])
end
local n = tonumber(ARGV[9])
local records = {}
if n > 0 then records = redis.call('MGET', unpack(ARGV, 10, 9 + n)) end
local at = 10 + n
if at <= #ARGV then
  local entries, captures = {}, {}
  for i = at, #ARGV, 2 do
    entries[#entries + 1] = ARGV[i]
    captures[#captures + 1] = ARGV[i + 1]
  end
  redis.call('RPUSH', ARGV[5], unpack(entries))
  redis.call('LTRIM', ARGV[5], -tonumber(ARGV[7]), -1)
  redis.call('RPUSH', ARGV[6], unpack(captures))
  redis.call('LTRIM', ARGV[6], -tonumber(ARGV[8]), -1)
end
return {found, records}
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Scripts:
    """The scripts registered on one client (sent by SHA, loaded again after a Redis restart)."""

    def __init__(self, client: Any) -> None:
        self._commit = client.register_script(_COMMIT)
        self._range = client.register_script(_RANGE)
        self._walk = client.register_script(_WALK)
        self._unlock = client.register_script(_UNLOCK)
        self._exchange = client.register_script(_EXCHANGE)

    def commit(self, args: List[Any]) -> List[Any]:
        """Run a transaction's commit (arguments as :data:`_COMMIT` reads them): [status, new versions]."""
        return list(self._commit(keys=[], args=args))

    def range(self, zset: str, record_prefix: str) -> Tuple[List[bytes], List[Optional[bytes]]]:
        """Every member of ``zset`` in order, and the record each names."""
        keys, records = self._range(keys=[zset], args=[record_prefix])
        return keys, records

    def walk(self, zset: str, record_prefix: str, bound: Optional[bytes], descending: bool,
             limit: int) -> Tuple[List[bytes], List[Optional[bytes]]]:
        """Up to ``limit`` members of the ordered index strictly beyond ``bound`` (exclusive; from the end
        when None), and their records."""
        edge = (b"+" if descending else b"-") if bound is None else b"(" + bound
        members, records = self._walk(keys=[zset], args=[record_prefix, "1" if descending else "0", edge, limit])
        return members, records

    def unlock(self, lock: str, token: bytes) -> int:
        """Release the lock if ``token`` still holds it (an expired lock another took is left alone)."""
        return int(self._unlock(keys=[lock], args=[token]))

    def exchange(self, versions: str, known: Optional[Tuple[bytes, bytes]], snapshot: bool,
                 record_keys: Sequence[str], journal: Tuple[str, str, int, int],
                 entries: Sequence[Tuple[bytes, bytes]]) -> Tuple[Optional[Dict[bytes, bytes]], List[Optional[bytes]]]:
        """One round trip for what requests start and end with: (the versions hash, or None when not asked
        for or its stamp and incarnation are still ``known``; the records at ``record_keys``), appending
        ``entries`` to the journal (``journal``: its list, the capture list, how many of each to keep)."""
        stamp, incarnation = known if known is not None else (b"", b"")
        args: List[Any] = [versions, stamp, incarnation, "1" if snapshot else "", *journal, len(record_keys),
                           *record_keys]
        for entry in entries:
            args.extend(entry)
        found, records = self._exchange(keys=[], args=args)
        if found is None:  # Lua's false: not asked, or unchanged (an emptied hash comes back as an empty list)
            return None, list(records)
        return dict(zip(found[::2], found[1::2])), list(records)
