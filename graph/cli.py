"""The `dpagraph` command: extract | ingest | validate | query | stats | ask | serve.

One bad file never stops a batch: it gets one line on stderr naming it, the others go on, and the
exit code tells whether anything failed (0 all good, 1 a file or a query failed, 2 usage error).
The extractor is imported only by `extract` and `ingest`, so querying works without it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pyoxigraph as ox
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from graph.backends.client import EndpointError
from graph.backends.endpoint import EndpointConfigError, is_endpoint
from graph.build import PREFIXES
from graph.errors import InputError
from graph.export import write_json
from graph.ingest import ingest
from graph.readers import content_hash, parse_size, set_max_bytes, supported_suffixes
from graph.store import DPAStore, open_store
from service import questions, serve

FORMATS = ("table", "csv", "json")


def _extractor() -> Callable:
    from graph.extract.pipeline import extract_path

    return extract_path


def _extractor_version() -> str:
    from graph.extract.pipeline import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _error(message: str, console: Console | None = None) -> None:
    """One line on stderr, whatever the message holds."""
    (console or _err()).print("error: " + " ".join(message.split()), markup=False)


def _warning(message: str, console: Console | None = None) -> None:
    (console or _err()).print("warning: " + " ".join(message.split()), markup=False)


def default_store() -> Path | str:
    """$DPAGRAPH_STORE or var/store: a directory, or a SPARQL endpoint URL (kept as text)."""
    value = os.environ.get("DPAGRAPH_STORE") or "var/store"
    return value if is_endpoint(value) else Path(value)


# --- inputs --------------------------------------------------------------------------------------


def collect_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files as given, folders searched recursively for supported suffixes (sorted); plus errors.
    Files in a folder that no reader supports are named on stderr, so nothing vanishes silently."""
    suffixes = set(supported_suffixes())
    files: list[Path] = []
    errors: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            everything = sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
            found = [f for f in everything if f.suffix.lower() in suffixes]
            for other in everything:
                if other.suffix.lower() not in suffixes:
                    _warning(f"{other}: skipped, unsupported file type {other.suffix or '(none)'}")
            if not found:
                errors.append(f"{path}: no supported files ({', '.join(sorted(suffixes))}) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or directory")
    return files, errors


def _duplicate(path: Path, seen: dict[str, Path]) -> str | None:
    """Two inputs with one stem would share a document IRI and an output file: refuse the second."""
    if path.stem in seen and seen[path.stem] != path:
        return f"{path}: another input has the same document name {path.stem!r} ({seen[path.stem]}); skipped"
    try:  # the same document under two names: one graph is enough
        key = "sha256:" + content_hash(path)
    except OSError:
        key = None  # the reader names the problem
    if key in seen and seen[key] != path:
        return f"{path}: same content as {seen[key]} (identical sha256); skipped as a duplicate"
    seen[path.stem] = path
    if key:
        seen[key] = path
    return None


# --- extract -------------------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    files, errors = collect_inputs(args.paths)
    for message in errors:
        _error(message)
    failed = bool(errors)
    extract = _extractor()
    seen: dict[str, Path] = {}
    for path in files:
        dup = _duplicate(path, seen)
        if dup:
            _error(dup)
            failed = True
            continue
        try:
            record, _doc = extract(path)
            out = write_json(record, args.json)
        except InputError as exc:
            _error(str(exc))
            failed = True
        except jsonschema.ValidationError as exc:
            _error(f"{path}: record does not follow the schema: {exc.message}")
            failed = True
        except Exception as exc:  # a bug on one file must not stop the batch
            _error(f"{path}: internal error: {type(exc).__name__}: {exc}")
            failed = True
        else:
            if not record.subprocessors:
                _warning(f"{path}: no sub-processor list found")
            print(f"{path} -> {out}")
    return 1 if failed else 0


# --- ingest --------------------------------------------------------------------------------------


@dataclass
class IngestRow:
    document: str
    processor: str = ""
    subprocessors: int | None = None
    third_country: int | None = None
    status: str = ""
    failed: bool = False


def cmd_ingest(args: argparse.Namespace) -> int:
    files, errors = collect_inputs(args.paths)
    err = _err()
    for message in errors:
        _error(message, err)
    set_max_bytes(args.max_bytes)
    store = _open_store(args.store, create=True)
    if store is None:
        return 1
    rows: list[IngestRow] = []
    failures = list(errors)  # repeated after the table: the per-file lines scroll away in a long run
    seen: dict[str, Path] = {}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with store, Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(files))
        outcomes = ingest(
            store,
            files,
            _extractor_version(),
            jobs=max(1, args.jobs),
            extract=_extractor(),
            force=args.force,
            max_bytes=args.max_bytes,
            precheck=lambda path: _duplicate(path, seen),
        )
        for outcome in outcomes:
            path, summary = outcome.path, outcome.summary
            progress.update(task, description=path.name)
            if outcome.error is not None:
                _error(outcome.error, progress.console)
                failures.append(outcome.error)
                row = IngestRow(path.stem, status="error: " + outcome.error.removeprefix(f"{path}: "), failed=True)
            else:
                row = IngestRow(
                    path.stem, summary.processor, summary.subprocessors, summary.third_country, outcome.status
                )
                if summary.subprocessors == 0 and outcome.status != "unchanged":
                    _warning(f"{path}: no sub-processor list found; ingested without sub-processors", progress.console)
            rows.append(row)
            progress.advance(task)
    _ingest_table(rows)
    if failures:
        _failure_list(failures, err)
    return 1 if failures else 0


def _ingest_table(rows: list[IngestRow]) -> None:
    table = Table(title="Ingest summary")
    for name, justify in [
        ("document", "left"),
        ("processor", "left"),
        ("sub-processors", "right"),
        ("third-country transfers", "right"),
        ("status", "left"),
    ]:
        table.add_column(name, justify=justify, overflow="fold")
    for r in rows:
        count = "" if r.subprocessors is None else str(r.subprocessors)
        third = "" if r.third_country is None else str(r.third_country)
        table.add_row(r.document, r.processor, count, third, r.status)
    console = Console()
    console.print(table)
    totals: dict[str, int] = {}
    for r in rows:
        key = "failed" if r.failed else r.status
        totals[key] = totals.get(key, 0) + 1
    console.print(", ".join(f"{n} {k}" for k, n in totals.items()) or "no files", markup=False)


def _failure_list(failures: list[str], console: Console) -> None:
    """Every failure again, one line each, after the table (on stderr, like the per-file lines)."""
    console.print(f"{len(failures)} file{'s' if len(failures) != 1 else ''} failed:", markup=False)
    for message in failures:
        console.print("  " + " ".join(message.split()), markup=False)


# --- validate ------------------------------------------------------------------------------------

FAIL_ON = ("violation", "warning", "info", "never")


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0: nothing at or above --fail-on; 1: something was; 2: usage or input errors."""
    from graph.validation import runner
    from graph.validation.cache import ValidationCache, default_cache_path
    from graph.validation.rules import load_rules

    if bool(args.paths) == bool(args.store):
        _error("give either PATH… (files or folders) or --store DIR|URL, not both and not neither")
        return 2
    options = runner.Options(jobs=max(1, args.jobs), force=args.force)
    err = _err()
    columns = (TextColumn("validating"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        if args.store:
            store = _open_store(args.store, create=False)
            if store is None:
                return 2
            cache = None if args.no_cache else ValidationCache(args.cache or default_cache_path())
            with store:
                task = progress.add_task("validating", total=None)
                try:
                    reports = runner.validate_store(
                        store,
                        options,
                        lambda n: progress.advance(task, n),
                        cache,
                        total=lambda n: progress.update(task, total=n),
                    )
                finally:
                    if cache is not None:
                        cache.close()
            input_errors: list[str] = []
        else:
            files, input_errors = collect_inputs(args.paths)
            for message in input_errors:
                _error(message, err)
            cache = None if args.no_cache else ValidationCache(args.cache or default_cache_path())
            task = progress.add_task("validating", total=len(files))
            try:
                reports = runner.validate_paths(files, options, cache, lambda n: progress.advance(task, n))
            finally:
                if cache is not None:
                    cache.close()
    rules = load_rules().rules
    _write_validation_reports(args, reports, rules)
    if input_errors or any(r.error for r in reports):
        return 2
    return 1 if args.fail_on != "never" and runner.fails(reports, args.fail_on) else 0


def _write_validation_reports(args: argparse.Namespace, reports: list, rules: dict) -> None:
    from graph.validation.report_json import to_json
    from graph.validation.report_junit import to_junit
    from graph.validation.report_sarif import to_sarif
    from graph.validation.report_text import render_text

    fail_on = args.fail_on if args.fail_on != "never" else "violation"
    if args.format == "json":
        print(json.dumps(to_json(reports, rules, fail_on=fail_on), ensure_ascii=False, indent=2))
    else:
        render_text(reports, rules, lang=args.lang, console=Console(soft_wrap=False), fail_on=fail_on)
    if args.junit:
        args.junit.write_text(to_junit(reports, rules, fail_on=fail_on), encoding="utf-8")
    if args.sarif:
        sarif = to_sarif(reports, rules, base_dir=Path.cwd())
        args.sarif.write_text(json.dumps(sarif, ensure_ascii=False, indent=2), encoding="utf-8")


# --- query, stats, ask ---------------------------------------------------------------------------


def _open_store(location: str | None, create: bool) -> DPAStore | None:
    """A store directory or a SPARQL endpoint URL (docs/external-store.md); None after an error line."""
    location = location or default_store()
    if is_endpoint(location):
        try:
            return open_store(location)
        except EndpointError as exc:  # "the store at URL: problem"
            _error(f"cannot open {exc}")
        except EndpointConfigError as exc:
            _error(f"cannot open the store: {exc}")
        except ValueError as exc:  # a broken ontology file: the message names it
            _error(f"cannot open the store at {location}: {exc}")
        return None
    path = Path(location)
    if not create and not path.is_dir():
        _error(f"no store at {path}; run `dpagraph ingest PATH --store {path}` first")
        return None
    try:
        return DPAStore(path)
    except OSError as exc:
        hint = " (in use by another dpagraph process?)" if "lock" in str(exc).lower() else ""
        _error(f"cannot open the store at {path}{hint}: {exc}")
    except ValueError as exc:  # a broken ontology file: the message names it
        _error(f"cannot open the store at {path}: {exc}")
    return None


def _read_query(text: str) -> str:
    """A file name (if such a file exists) or the query itself."""
    try:
        path = Path(text)
        if len(text) < 1024 and "\n" not in text and path.is_file():
            return path.read_text(encoding="utf-8")
    except OSError:
        pass
    return text


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns) :]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def print_result(result, fmt: str, title: str | None = None) -> None:
    """SELECT → table / SPARQL CSV / SPARQL JSON; ASK → true/false; CONSTRUCT → N-Triples."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            sys.stdout.write(result.serialize(format=ox.QueryResultsFormat.JSON).decode() + "\n")
        else:
            print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.write(result.serialize(format=ox.RdfFormat.N_TRIPLES).decode())
        return
    if fmt == "csv":
        sys.stdout.write(result.serialize(format=ox.QueryResultsFormat.CSV).decode())
        return
    if fmt == "json":
        sys.stdout.write(result.serialize(format=ox.QueryResultsFormat.JSON).decode() + "\n")
        return
    variables = [v.value for v in result.variables]
    table = Table(title=title, title_justify="left")
    for v in variables:
        table.add_column(v, overflow="fold")
    count = 0
    for solution in result:
        table.add_row(*(_short(solution[v]) for v in variables))
        count += 1
    console = Console()
    console.print(table)
    console.print(f"{count} row{'s' if count != 1 else ''}", markup=False)


def cmd_query(args: argparse.Namespace) -> int:
    store = _open_store(args.store, create=False)
    if store is None:
        return 1
    with store:
        try:
            result = store.query(_read_query(args.sparql))
        except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
            _error(f"query failed: {exc}")
            return 1
        print_result(result, args.format)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store = _open_store(args.store, create=False)
    if store is None:
        return 1
    with store:
        stats = store.stats()
    table = Table(title=f"Store {args.store or default_store()}")
    table.add_column("what")
    table.add_column("count", justify="right")
    labels = {
        "documents": "documents",
        "organisations": "organisations",
        "engagements": "sub-processor engagements",
        "third_country_engagements": "third-country engagements",
        "triples": "triples (all graphs)",
        "reference_triples": "triples (reference data)",
    }
    for key, label in labels.items():
        table.add_row(label, str(stats[key]))
    for code, n in stats["mechanisms"].items():
        table.add_row(f"mechanism {code}", str(n))
    Console().print(table)
    return 0


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise questions.QuestionError(f"--param needs key=value, got {pair!r}")
        out[key.strip()] = value
    return out


def cmd_ask(args: argparse.Namespace) -> int:
    try:
        catalogue = questions.catalogue()
        params = _params(args.param)
    except questions.QuestionError as exc:
        _error(str(exc))
        return 2
    if args.name is None and not args.all:
        _list_questions(catalogue)
        return 0
    names = list(catalogue) if args.all else [args.name]
    if args.all:
        declared = {p.name for q in catalogue.values() for p in q.params}
        unknown = sorted(set(params) - declared)
        if unknown:
            _error(f"no question has the parameter {', '.join(unknown)}")
            return 2
    elif args.name not in catalogue:
        _error(f"no question {args.name!r}; known: {', '.join(catalogue)}")
        return 2
    store = _open_store(args.store, create=False)
    if store is None:
        return 1
    combined: dict[str, object] = {}
    with store:
        for name in names:
            q = catalogue[name]
            mine = {k: v for k, v in params.items() if k in {p.name for p in q.params}} if args.all else params
            try:
                result = questions.run(store, name, mine)
            except questions.QuestionError as exc:
                _error(str(exc))
                return 2
            if args.format == "json" and args.all:
                combined[name] = json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))
                continue
            if args.all or args.format == "table":
                _question_header(q, args.format)
            print_result(result, args.format, title=None)
    if combined:
        print(json.dumps(combined, ensure_ascii=False, indent=2))
    return 0


def _question_header(q: questions.Question, fmt: str) -> None:
    if fmt == "table":
        console = Console()
        console.rule(q.title)
        if q.description:
            console.print(q.description, markup=False, highlight=False)
    else:
        print(f"# {q.title}")


def _list_questions(catalogue: dict[str, questions.Question]) -> None:
    table = Table(title="Competency questions (dpagraph ask NAME, or --all)")
    table.add_column("name", no_wrap=True)
    table.add_column("question", overflow="fold")
    table.add_column("parameters", overflow="fold")
    for q in catalogue.values():
        params = ", ".join(f"{p.name}={p.default}" for p in q.params)
        table.add_row(q.name, f"{q.title}\n{q.description}" if q.description else q.title, params)
    Console().print(table)


# --- argument parsing ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dpagraph", description="Knowledge graph of GDPR data processing agreements (DPV 2.3)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def store_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--store",
            default=None,
            metavar="DIR|URL",
            help="store directory or SPARQL endpoint URL (default: $DPAGRAPH_STORE or var/store)",
        )

    p = sub.add_parser("extract", help="extract one JSON record per document")
    p.add_argument("paths", nargs="+", metavar="PATH", help="file or folder (searched recursively)")
    p.add_argument("--json", required=True, type=Path, metavar="OUTDIR", help="where to write <stem>.json")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="extract documents and store their graphs")
    p.add_argument("paths", nargs="+", metavar="PATH", help="file or folder (searched recursively)")
    p.add_argument("--force", action="store_true", help="re-extract files even when unchanged")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extraction processes (default: all cores)")
    p.add_argument(
        "--max-bytes",
        type=parse_size,
        default=None,
        metavar="SIZE",
        help="refuse larger files, e.g. 20MB (default: $DPAGRAPH_MAX_BYTES or 50MiB)",
    )
    store_option(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("validate", help="check DPAs for completeness (SHACL rules A01–F02)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="file or folder (searched recursively)")
    p.add_argument("--store", metavar="DIR|URL", help="validate every document in this store (directory or URL)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="what to print on stdout")
    p.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    p.add_argument("--sarif", type=Path, metavar="FILE", help="also write SARIF 2.1.0 here")
    p.add_argument("--fail-on", choices=FAIL_ON, default="violation", help="lowest severity that fails (exit 1)")
    p.add_argument("--lang", choices=("en", "de"), default="en", help="language of the messages")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.add_argument("--cache", type=Path, metavar="FILE", help="cache file (default: $DPAGRAPH_CACHE or ~/.cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--force", action="store_true", help="validate again even when nothing changed")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL query (text or .rq file) on the store")
    p.add_argument("sparql", metavar="SPARQL|FILE")
    p.add_argument("--format", choices=FORMATS, default="table")
    store_option(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="counts of documents, organisations, engagements, triples")
    store_option(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("ask", help="answer the competency questions (no NAME: list them)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--all", action="store_true", help="answer every question")
    p.add_argument("--format", choices=FORMATS, default="table")
    store_option(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "serve", help="serve the search pages and the SPARQL endpoint (waitress; read-only, no outbound requests)"
    )
    serve.add_arguments(p)
    p.set_defaults(func=serve.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
