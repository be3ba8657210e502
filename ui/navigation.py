"""Back / forward history of the main area, like a browser."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    screen: str  # "home" | "library" | "reader" | "search"
    params: tuple = field(default=())


class History:
    def __init__(self) -> None:
        self._entries: list[Location] = []
        self._index = -1

    @property
    def current(self) -> Location | None:
        return self._entries[self._index] if self._index >= 0 else None

    def push(self, location: Location) -> None:
        if location == self.current:
            return
        del self._entries[self._index + 1:]
        self._entries.append(location)
        self._index = len(self._entries) - 1

    def replace(self, location: Location) -> None:
        if self._index < 0:
            self.push(location)
        else:
            self._entries[self._index] = location

    def can_go_back(self) -> bool:
        return self._index > 0

    def can_go_forward(self) -> bool:
        return self._index < len(self._entries) - 1

    def back(self) -> Location | None:
        if not self.can_go_back():
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Location | None:
        if not self.can_go_forward():
            return None
        self._index += 1
        return self.current
