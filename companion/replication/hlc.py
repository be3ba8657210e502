"""Hybrid logical clocks: fixed-width strings that sort in causal-then-wall-clock order.

Format: ``"<unix ms, 13 digits>-<counter, 4 digits>-<device id, 16 lowercase hex>"``,
e.g. ``"1764255600123-0007-3f9a0c1b2d4e5f60"``. Because every part is fixed width,
plain string comparison orders HLCs correctly, and the device id at the end makes
two devices' stamps unique even when their millisecond and counter agree.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable

HLC_PATTERN = r"^[0-9]{13}-[0-9]{4}-[0-9a-f]{16}$"
_HLC_RE = re.compile(HLC_PATTERN)
_DEVICE_RE = re.compile(r"^[0-9a-f]{16}$")
MAX_COUNTER = 9999


class HLCError(ValueError):
    """A string that is not a well-formed HLC, or a clock that cannot advance."""


@dataclass(frozen=True, order=True)
class ParsedHLC:
    millis: int
    counter: int
    device: str


def is_valid_hlc(value: object) -> bool:
    return isinstance(value, str) and _is_hlc_text(value)


@functools.lru_cache(maxsize=4096)
def _is_hlc_text(value: str) -> bool:
    # Cached: a pulled page repeats the same few stamps on every field of a record.
    return _HLC_RE.fullmatch(value) is not None


def parse_hlc(value: str) -> ParsedHLC:
    if not is_valid_hlc(value):
        raise HLCError(f"not an HLC (expected 13 digits, '-', 4 digits, '-', 16 lowercase hex): {value!r}")
    millis, counter, device = value.split("-")
    return ParsedHLC(int(millis), int(counter), device)


def format_hlc(millis: int, counter: int, device: str) -> str:
    if not 0 <= millis <= 9_999_999_999_999:
        raise HLCError(f"milliseconds out of range: {millis}")
    if not 0 <= counter <= MAX_COUNTER:
        raise HLCError(f"counter out of range: {counter}")
    if not _DEVICE_RE.fullmatch(device):
        raise HLCError(f"device id must be 16 lowercase hex digits: {device!r}")
    return f"{millis:013d}-{counter:04d}-{device}"


def hlc_millis(value: str) -> int:
    return parse_hlc(value).millis


class Clock:
    """A device's HLC: never goes backwards, never repeats.

    ``now()`` returns ``max(wall clock + offset, last HLC seen)`` with the counter
    bumped when the millisecond has not moved; ``observe()`` folds in a stamp
    received from elsewhere so the next local stamp sorts after it. ``offset_ms``
    is the server's clock minus ours (``GET /status``): field laptops often have
    wrong clocks, and a stamp far in the future would win every merge.
    """

    def __init__(self, device: str, offset_ms: int = 0, wall: Callable[[], float] = time.time) -> None:
        if not _DEVICE_RE.fullmatch(device):
            raise HLCError(f"device id must be 16 lowercase hex digits: {device!r}")
        self.device = device
        self.offset_ms = offset_ms
        self._wall = wall
        self._millis = 0
        self._counter = 0
        self._lock = threading.Lock()

    def _physical(self) -> int:
        return int(self._wall() * 1000) + self.offset_ms

    def now(self) -> str:
        with self._lock:
            physical = self._physical()
            if physical > self._millis:
                self._millis, self._counter = physical, 0
            elif self._counter < MAX_COUNTER:
                self._counter += 1
            else:
                # 10,000 stamps in one millisecond: borrow the next millisecond
                # rather than repeat or overflow the fixed-width counter.
                self._millis, self._counter = self._millis + 1, 0
            return format_hlc(self._millis, self._counter, self.device)

    def observe(self, stamp: str) -> None:
        seen = parse_hlc(stamp)
        with self._lock:
            if (seen.millis, seen.counter) > (self._millis, self._counter):
                self._millis, self._counter = seen.millis, seen.counter

    def restart_after(self, stamp: str | None) -> None:
        """Forget every stamp after ``stamp`` (None: all of them). Only for stamps that were never
        accepted anywhere and are being given new ones (a laptop clock that ran ahead)."""
        with self._lock:
            if stamp is None:
                self._millis, self._counter = 0, 0
            else:
                seen = parse_hlc(stamp)
                self._millis, self._counter = seen.millis, seen.counter

    @property
    def last(self) -> str | None:
        if self._millis == 0:
            return None
        return format_hlc(self._millis, self._counter, self.device)
