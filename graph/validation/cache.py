"""Validation results of files, cached by key (content hash + extractor version + shapes and
reference fingerprints + reference epoch), so a CI run over an unchanged DPA folder re-reads
nothing but the files' bytes.

SQLite (standard library): one file, safe against a run killed mid-write, and one indexed lookup
per document. Only the parent process writes.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from graph.validation.findings import Finding


def default_cache_path() -> Path:
    base = os.environ.get("DPAGRAPH_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dpagraph" / "validation.sqlite"


class ValidationCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, language TEXT, findings TEXT)")

    def get_many(self, keys: list[str]) -> dict[str, tuple[str | None, list[Finding]]]:
        """key → (language, findings) for the keys that are cached."""
        out: dict[str, tuple[str | None, list[Finding]]] = {}
        for start in range(0, len(keys), 500):  # SQLite caps the number of parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, language, data in self._db.execute(
                f"SELECT key, language, findings FROM results WHERE key IN ({marks})", chunk
            ):
                out[key] = (language, [Finding.from_json(f) for f in json.loads(data)])
        return out

    def put_many(self, entries: list[tuple[str, str | None, list[Finding]]]) -> None:
        rows = [(key, lang, json.dumps([f.to_json() for f in fs], ensure_ascii=False)) for key, lang, fs in entries]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
