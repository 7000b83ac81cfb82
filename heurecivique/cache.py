"""Redis as an accelerator, never as a dependency of reading a page.

When Redis does not answer within its short timeouts (settings: 0.5 s to connect or to read),
the web process carries on with a small cache of its own in memory and tries Redis again a few
seconds later: one request per process and pause pays the timeout, the others do not wait.

What this means while Redis is down:
- pages are computed from the database (the host → portal map, the counters);
- rate limits (login, sign-up, forms) are counted in each process's memory: still enforced,
  but per process, so a client spread over N web processes gets at most N times the limit;
- sessions are unaffected: they live in the database.
Once Redis answers again, the keys a process wrote or deleted meanwhile are deleted from it:
what Redis still holds for them (a portal's old name, say) is older than the database.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a process leaves Redis alone after it failed to answer.
RETRY_AFTER = 5.0
# Writes of a pause that are replayed as deletions when Redis is back (beyond: none kept).
MAX_MISSED_KEYS = 10_000
WRITES = {"add", "set", "touch", "delete", "incr", "set_many", "delete_many"}


class ResilientRedisCache(RedisCache):
    # Per process, as the fallback is: each process finds out about Redis by itself.
    _down_until = 0.0
    _fallback = LocMemCache("heurecivique-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    _missed: set = set()

    @classmethod
    def redis_is_paused(cls) -> bool:
        return time.monotonic() < cls._down_until

    def _call(self, method: str, *args, **kwargs):
        if not self.redis_is_paused():
            try:
                if self._missed:
                    super().delete_many(list(self._missed))
                    self._missed.clear()
                return getattr(super(), method)(*args, **kwargs)
            except (RedisError, OSError) as error:
                logger.warning(
                    "Redis ne répond pas (%s) : cache en mémoire pendant %.0f s.",
                    error,
                    RETRY_AFTER,
                )
                ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER
        if method in WRITES and args and len(self._missed) < MAX_MISSED_KEYS:
            keys = args[0]
            self._missed.update(keys if isinstance(keys, dict | list | tuple) else [keys])
        return getattr(self._fallback, method)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Whether Redis itself answers now (for /sante/), bypassing the fallback."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except (RedisError, OSError):
            return False
