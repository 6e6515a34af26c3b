"""The project's own error types: every problem with an input file is an `InputError`."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file that cannot be read as a DPA. The message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NoDPAStructure(InputError):
    """The file reads fine but does not look like a data processing agreement."""
