"""A small journal so an interrupted `brickroad import` resumes where it stopped.

Requestids already make a re-run safe (the server answers "duplicate" for
every row it has); the journal makes it fast, by not sending the batches the
server has acknowledged. It is keyed by server, goal id, file content and
batch size, lives in $XDG_STATE_HOME/brickroad/imports/ (default
~/.local/state/…), and is deleted once an import completes. Losing it costs
only time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "brickroad" / "imports"


class Journal:
    def __init__(self, server: str, goal_id: str, file_bytes: bytes, batch_size: int) -> None:
        digest = hashlib.sha256()
        for part in (server.encode(), goal_id.encode(), str(batch_size).encode(), file_bytes):
            digest.update(hashlib.sha256(part).digest())
        self.path = state_dir() / f"{digest.hexdigest()[:32]}.json"
        self.done: set[int] = set()

    def load(self) -> set[int]:
        try:
            self.done = {int(x) for x in json.loads(self.path.read_text()).get("done", [])}
        except (OSError, ValueError, TypeError):
            self.done = set()
        return self.done

    def mark(self, offset: int) -> None:
        self.done.add(offset)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": sorted(self.done)}))
        os.replace(tmp, self.path)

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)
