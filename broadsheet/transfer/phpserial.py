"""Reading PHP's ``serialize()`` format, which WordPress uses for comment meta such as Akismet's
history. Only what meta values hold: arrays, strings, numbers, booleans and null."""

from __future__ import annotations

from typing import Any


class NotSerialized(ValueError):
    pass


def loads(text: str) -> Any:
    data = text.encode()
    value, end = _value(data, 0)
    if end != len(data):
        raise NotSerialized("trailing data")
    return value


def _until(data: bytes, pos: int, stop: bytes) -> tuple[bytes, int]:
    end = data.find(stop, pos)
    if end < 0:
        raise NotSerialized(f"expected {stop!r}")
    return data[pos:end], end + len(stop)


def _value(data: bytes, pos: int) -> tuple[Any, int]:
    kind = data[pos : pos + 2]
    pos += 2
    if kind == b"N;":
        return None, pos
    if kind in (b"i:", b"d:", b"b:"):
        raw, pos = _until(data, pos, b";")
        try:
            number = float(raw) if kind == b"d:" else int(raw)
        except ValueError:
            raise NotSerialized(f"bad number {raw!r}") from None
        return (bool(number) if kind == b"b:" else number), pos
    if kind == b"s:":
        size, pos = _until(data, pos, b':"')
        end = pos + int(size)
        if data[end : end + 2] != b'";':
            raise NotSerialized("string length does not match")
        return data[pos:end].decode(errors="replace"), end + 2
    if kind == b"a:":
        count, pos = _until(data, pos, b":{")
        items: dict[Any, Any] = {}
        for _ in range(int(count)):
            key, pos = _value(data, pos)
            items[key], pos = _value(data, pos)
        if data[pos : pos + 1] != b"}":
            raise NotSerialized("array not closed")
        return items, pos + 1
    raise NotSerialized(f"unknown type {kind!r}")
