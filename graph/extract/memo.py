"""Extraction steps that several fact families share, run once per document.

The breach deadline, the objection period and the data categories are facts of their own and also
evidence for the clause findings; the results live on the `Document` (`Document.memo`), so they
go away with it. Callers must not change what they get back: the next caller sees the same object.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from graph.document import Document

T = TypeVar("T")


def per_document(step: Callable[[Document], T]) -> Callable[[Document], T]:
    """`step(doc)` computed on the first call for a document and returned again afterwards."""

    @wraps(step)
    def cached(doc: Document) -> T:
        if step not in doc.memo:
            doc.memo[step] = step(doc)
        return doc.memo[step]

    return cached
