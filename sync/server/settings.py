"""What a running server is configured with (from the command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sync.server.throttle import LoginLimits
from sync.server.uploads import UploadLimits

MIB = 1024 * 1024


@dataclass(frozen=True)
class ServerLimits:
    max_changes_per_push: int = 1000
    max_body_bytes: int = 8 * MIB
    max_record_bytes: int = 256 * 1024
    max_blob_bytes: int = 200 * MIB
    max_pull_limit: int = 1000
    # A pull page ends early rather than grow past this many bytes of JSON (before gzip).
    max_page_bytes: int = 1 * MIB
    max_clock_ahead_ms: int = 10 * 60 * 1000


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    database_url: str
    public_library: bool = True
    limits: ServerLimits = field(default_factory=ServerLimits)
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    upload_limits: UploadLimits = field(default_factory=UploadLimits)
    # JSON responses smaller than this are sent as is: a compressed frame's header
    # would cost more than it saves (the "nothing new" sync is ~300 bytes).
    compress_min_bytes: int = 512

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"
