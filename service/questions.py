"""The competency questions as a catalogue: `ontology/queries/*.rq` with title, description and params.

A question file starts with comment lines

    # title: Vendors that use an organisation as sub-processor
    # description: one line
    # param: organisation = Stripe
    # order: 3            (optional: position in listings and `ask --all`, default 100)

and, for each param, holds exactly one `VALUES ?organisation { "Stripe" }` clause, so the file runs
as-is in any SPARQL tool. Running a question replaces that clause with the caller's value as ONE
literal escaped by Oxigraph's own serializer; raw input is never pasted into the query text, so a
value cannot change the query. Used by `dpagraph ask` and, later, the web service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

QUERIES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "queries"
MAX_PARAM_LENGTH = 500

_HEADER = re.compile(r"^#\s*(title|description|param|order)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


class QuestionError(ValueError):
    """An unknown question or parameter, or a question file that breaks the conventions."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str


@dataclass(frozen=True)
class Question:
    name: str  # file stem, e.g. "usa-transfers"
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path
    order: int = 100

    def render(self, values: Mapping[str, str] | None = None) -> str:
        """The query text with each param's VALUES clause set to the given (or default) value."""
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise QuestionError(f"question {self.name!r} has no parameter {', '.join(unknown)} (parameters: {known})")
        text = self.sparql
        for param in self.params:
            value = str(values.get(param.name, param.default))
            if len(value) > MAX_PARAM_LENGTH:
                raise QuestionError(f"parameter {param.name} is longer than {MAX_PARAM_LENGTH} characters")
            clause = f"VALUES ?{param.name} {{ {ox.Literal(value)} }}"
            text = _values_clause(param.name).sub(lambda _m, c=clause: c, text, count=1)
        return text


def _values_clause(name: str) -> re.Pattern:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^{}]*\}")


def load_question(path: Path) -> Question:
    """Parse one .rq file's header; refuse files without a title or with unusable params."""
    header: dict[str, str] = {}
    params: list[Param] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QuestionError(f"{path}: bad param line {line!r} (expected '# param: name = default')")
            params.append(Param(pm.group(1), pm.group(2).strip()))
        else:
            header[key] = value
    sparql = path.read_text(encoding="utf-8")
    if not header.get("title"):
        raise QuestionError(f"{path}: missing '# title:' line")
    for p in params:
        if len(_values_clause(p.name).findall(sparql)) != 1:
            raise QuestionError(f"{path}: param {p.name} needs exactly one 'VALUES ?{p.name} {{ ... }}' clause")
    try:
        order = int(header.get("order", "100"))
    except ValueError:
        raise QuestionError(f"{path}: '# order:' must be a number") from None
    return Question(path.stem, header["title"], header.get("description", ""), tuple(params), sparql, path, order)


def catalogue(directory: Path | None = None) -> dict[str, Question]:
    """Every question in the directory, by name, in `# order:` then name order."""
    directory = directory or QUERIES_DIR
    loaded = sorted((load_question(p) for p in directory.glob("*.rq")), key=lambda q: (q.order, q.name))
    return {q.name: q for q in loaded}


def get(name: str, directory: Path | None = None) -> Question:
    questions = catalogue(directory)
    if name not in questions:
        raise QuestionError(f"no question {name!r}; known: {', '.join(questions)}")
    return questions[name]


def run(store, name: str, params: Mapping[str, str] | None = None, directory: Path | None = None):
    """Answer one question on a `graph.store.DPAStore`; returns pyoxigraph's query result."""
    return store.query(get(name, directory).render(params))
