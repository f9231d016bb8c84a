"""The ``storyline`` command. Each command parses options, calls the library and maps errors to messages.

Exit codes: 0 when every document succeeded, 1 when some failed, 2 for usage errors.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from . import __version__

DEFAULT_DB = "storyline.db"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # ../shared beside a source checkout


def _shared_dir() -> Path:
    """Where ``../shared`` is: STORYLINE_SHARED, else beside the current folder or the checkout."""
    env = os.environ.get("STORYLINE_SHARED")
    for cand in ([Path(env)] if env else []) + [Path.cwd().parent / "shared", SHARED]:
        if cand.is_dir():
            return cand.resolve()
    raise click.UsageError("cannot find the shared/ folder; set STORYLINE_SHARED or pass the path")


def _iso_date(ctx, param, value):
    """Click callback: a YYYY-MM-DD date option, or None."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter("use a date as YYYY-MM-DD") from None


WORKERS = click.option("--workers", "-j", type=click.IntRange(1, 256), default=lambda: os.cpu_count() or 1,
                       show_default="all cores", help="Processes for per-article work.")
ENGINE = click.option("--engine", type=click.Choice(["serial", "local", "dask"]), default=None,
                      help="Where per-article work runs: serial (this process), local (--workers processes; "
                           "the default), dask (a Dask cluster: --scheduler, or a local one of --workers processes).")
SCHEDULER = click.option("--scheduler", metavar="ADDRESS", default=None,
                         help="Dask scheduler address (tcp://host:8786); implies --engine dask. See docs/SCALING.md.")
TIME_BUDGET = click.option("--time-budget", type=click.FloatRange(min=0, min_open=True), default=None,
                           metavar="SECONDS",
                           help="CPU seconds any one document may take (default 30); one over it is skipped as a problem.")


def _engine_name(engine: str | None, scheduler: str | None, workers: int) -> str:
    if scheduler:
        if engine not in (None, "dask"):
            raise click.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
        return "dask"
    return engine or ("local" if workers > 1 else "serial")


def _worker_error(e: Exception) -> click.ClickException:
    """A bug in a worker (the document and the worker's traceback), or an engine that cannot run."""
    return click.ClickException(str(e))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storyline")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens to each document on stderr.")
def main(verbose: bool) -> None:
    """storyline: turn news articles about a developing story into a sourced, structured account."""
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)


def _report_problem(p) -> None:
    click.echo(f"error: {p.source}: {p.message} [{p.stage}/{p.kind}]", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "text"]), default="text", show_default=True,
              help="jsonl: one JSON object per article; json: a pretty array; text: a readable summary.")
@click.option("--strict", is_flag=True, help="Stop at the first bad document.")
@WORKERS
@ENGINE
@SCHEDULER
@TIME_BUDGET
def extract(paths: tuple[str, ...], fmt: str, strict: bool, workers: int, engine: str | None, scheduler: str | None,
            time_budget: float | None) -> None:
    """Read, clean and extract articles from PATHS (files, folders, .gz, http(s) URLs, or - for stdin); print the
    results.

    Nothing is stored. Errors for bad documents go to stderr, one line each.
    """
    from .model import Problem
    from .engine import EngineError
    from .pipeline import RunReport, WorkerError, run
    from .serialize import extraction_dict

    report = RunReport()
    first = True
    if fmt == "json":
        click.echo("[")
    try:
        for item in run(list(paths), strict=strict, report=report, workers=workers,
                        engine=_engine_name(engine, scheduler, workers), scheduler=scheduler, time_budget=time_budget):
            if isinstance(item, Problem):
                _report_problem(item)
                continue
            d = extraction_dict(item)
            if fmt == "jsonl":
                click.echo(json.dumps(d, ensure_ascii=False))
            elif fmt == "json":
                click.echo(("" if first else ",\n") + json.dumps(d, ensure_ascii=False, indent=2), nl=False)
            else:
                _print_readable(d)
            first = False
    except (WorkerError, EngineError) as e:
        raise _worker_error(e) from None
    if fmt == "json":
        click.echo("\n]")
    sys.exit(1 if report.problems else 0)


def _print_readable(d: dict) -> None:
    from rich.console import Console

    con = Console(highlight=False, soft_wrap=True)
    date = d["published"] or "undated"
    if d["published"] and d["published_inferred"]:
        date += " (inferred)"
    con.print(f"[bold]{d['title'] or '(no title)'}[/bold]  [dim]{d['source']}[/dim]")
    con.print(f"  {date} · {d['outlet'] or 'unknown outlet'} · {len(d['text'].split())} words · "
              f"{len(d['removed'])} boilerplate pieces removed")
    for q in d["quotes"]:
        con.print(f"  [cyan]quote[/cyan] {q['speaker'] or '(unattributed)'}: “{_short(q['text'])}”", markup=True)
    for f in d["figures"]:
        con.print(f"  [green]figure[/green] {f['category']}: {f['qualifier'] + ' ' if f['qualifier'] else ''}"
                  f"{f['value']:g}{' ' + f['unit'] if f['unit'] else ''}  ({_short(f['text'], 60)})"
                  f"{' — ' + f['source'] if f['source'] else ''}")
    for t in d["dates"]:
        con.print(f"  [magenta]date[/magenta] {t['text']} → {t['value']}")
    if d["entities"]:
        con.print("  [yellow]entities[/yellow] " + ", ".join(f"{e['name']} ({e['type']})" for e in d["entities"]))
    con.print()


def _short(s: str, n: int = 90) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file (created if missing).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary {added, updated, unchanged, failed}.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@WORKERS
@ENGINE
@SCHEDULER
@TIME_BUDGET
@click.option("--output-parquet", "parquet_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Workers write the results to Parquet shards in DIR (load them with `storyline merge`); "
                   "nothing is stored in SQLite unless --db is given too.")
@click.option("--resolve-every", type=click.IntRange(min=1), default=None, metavar="N",
              help="Resolve duplicates, actors and series every N saved articles during the run, so readers "
                   "see them as it goes (stories are replayed once at the end). Default: all at the end, "
                   "which is cheaper.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], db_path: str, as_json: bool, progress: bool | None,
           workers: int, engine: str | None, scheduler: str | None, time_budget: float | None,
           parquet_dir: str | None, resolve_every: int | None) -> None:
    """Read, clean, extract and store articles from PATHS in the database (idempotent).

    PATHS are files, folders, .gz files, http(s) URLs (fetched by the workers) or - for stdin.
    """
    from click.core import ParameterSource

    from .errors import StorylineError
    from .extract import EXTRACTOR_VERSION
    from .engine import EngineError
    from .pipeline import WorkerError, ingest as ingest_paths
    from .store import Store

    if parquet_dir is not None and any(Path(parquet_dir).glob("part-*.parquet")):
        raise click.BadParameter(f"{parquet_dir} already holds Parquet shards; give an empty or new folder",
                                 param_hint="--output-parquet")
    db_given = ctx.get_parameter_source("db_path") in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    use_db = parquet_dir is None or db_given or bool(os.environ.get("STORYLINE_DB"))
    try:
        store = Store(db_path, extractor_version=f"{__version__}/{EXTRACTOR_VERSION}") if use_db else None
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        bar = Progress(SpinnerColumn(), TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TextColumn("[dim]{task.fields[doc]}"), transient=True,
                       console=Console(stderr=True))
        bar.start()
        task = bar.add_task("ingest", total=None, doc="")

    def on_result(item) -> None:
        from .model import Problem

        if isinstance(item, Problem) and not as_json:
            _report_problem(item)
        if bar is not None:
            x = item[0].article if isinstance(item, tuple) else item
            bar.update(task, advance=1, doc=_short(x.source, 50))

    try:
        summary = ingest_paths(list(paths), store, on_result=on_result, workers=workers,
                               engine=_engine_name(engine, scheduler, workers), scheduler=scheduler,
                               time_budget=time_budget, parquet_dir=parquet_dir,
                               resolve_every=resolve_every)
        if store is not None and (summary.changed or store.pending()):  # pending: a killed run's unresolved articles
            from .api import refresh

            refresh(store)
    except (WorkerError, EngineError) as e:
        raise _worker_error(e) from None
    finally:
        if bar is not None:
            bar.stop()
        if store is not None:
            store.close()
    failed = summary.failed
    out = {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged,
           "failed": [{"source": f["source"], "error": f["error"]} for f in failed]}
    if parquet_dir is not None:
        out["written"] = summary.written
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
    elif store is not None:
        click.echo(f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
                   f"{len(failed)} failed  → {db_path}" + (f" (and Parquet shards in {parquet_dir})" if parquet_dir else ""),
                   err=True)
    else:
        click.echo(f"{summary.written} written, {len(failed)} failed  → {parquet_dir} "
                   f"(load with: storyline merge {parquet_dir} --db FILE)", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file (created if missing).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary {added, updated, unchanged, failed}.")
def merge(folder: str, db_path: str, as_json: bool) -> None:
    """Load the Parquet shards of `ingest --output-parquet FOLDER` into the database, in input order.

    The store is the same as a direct `ingest` of the same input would give (idempotent too).
    """
    from .engine.parquet import iter_results, shards
    from .errors import StorylineError
    from .extract import EXTRACTOR_VERSION
    from .model import Problem
    from .store import Store

    if not shards(Path(folder)):
        raise click.ClickException(f"no Parquet shards (part-*.parquet) in {folder}")
    try:
        store = Store(db_path, extractor_version=f"{__version__}/{EXTRACTOR_VERSION}")
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    failed: list[dict] = []
    with store:
        for item in iter_results(Path(folder)):
            if isinstance(item, Problem):
                failed.append({"source": item.source, "error": item.message})
                if not as_json:
                    _report_problem(item)
                continue
            x, derived = item if isinstance(item, tuple) else (item, None)
            try:
                counts[store.save(x, derived)] += 1
            except StorylineError as e:
                failed.append({"source": x.article.source, "error": str(e)})
        if counts["added"] or counts["updated"] or store.pending():
            from .api import refresh

            refresh(store)
    if as_json:
        click.echo(json.dumps({**counts, "failed": failed}, ensure_ascii=False))
    else:
        click.echo(f"{counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged, "
                   f"{len(failed)} failed  → {db_path}", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def stats(db_path: str, as_json: bool) -> None:
    """Counts of everything stored, so two stores can be compared.

    Articles, sources, quotes, figures, dates, entities, actors, series, points, events, stories,
    duplicate groups (and the articles in them), and articles saved but not yet resolved (pending).
    """
    from .errors import StorylineError
    from .store import Store

    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}")
    try:
        with Store(db_path) as store:
            counts = store.counts()
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(counts))
    else:
        for k, v in counts.items():
            click.echo(f"{k:16} {v}")


@main.command()
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def embed(db_path: str, as_json: bool, progress: bool | None) -> None:
    """Embed stored articles for semantic search (the optional `semantic` extra); only new or changed ones."""
    from . import semantic

    if not semantic.available():
        raise click.ClickException(str(semantic.SemanticUnavailable()))
    store = _open_store(db_path)
    with store:
        todo = semantic.pending(store.conn)
        show = (sys.stderr.isatty() if progress is None else progress) and todo > 0
        bar = None
        if show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            bar = Progress(BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                           console=Console(stderr=True))
            bar.start()
            task = bar.add_task("embed", total=todo)
        try:
            done = semantic.embed_store(store.conn, on_progress=(lambda n: bar.update(task, advance=n)) if bar else None)
        finally:
            if bar is not None:
                bar.stop()
        total = store.count("articles")
    summary = {"embedded": done, "articles": total, "model": semantic.MODEL_NAME}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"{done} embedded, {total} articles  → {db_path}", err=True)


@main.command()
@click.argument("query")
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB)
@click.option("--quotes", "in_quotes", is_flag=True, help="Search quotations instead of articles.")
@click.option("--since", callback=_iso_date, help="Published on or after (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Published on or before (YYYY-MM-DD).")
@click.option("--outlet", help="Only this outlet.")
@click.option("--speaker", help="Only quotes whose speaker's name has these words.")
@click.option("--entity", help="Only articles naming this entity (its name).")
@click.option("--category", help="Only articles with a figure of this category (killed, money ...).")
@click.option("--story", help="Only this story (its id, or a word of its label).")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
def search(query, db_path, in_quotes, since, until, outlet, speaker, entity, category, story, limit, offset,
           as_json) -> None:
    """Full-text search over stored articles (or quotes with --quotes), with filters.

    Words must all match (OR between words is kept; "a phrase" in quotes; word* for a prefix). At most
    10,000 matches are ranked by relevance; more are listed newest first.
    """
    import dataclasses as dc

    from .errors import StorylineError
    from .store import Store
    from .store.search import MARK_CLOSE, MARK_OPEN, Filters, search as run_search

    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}")
    try:
        with Store(db_path) as store:
            filters = Filters(since=since, until=until, outlet=outlet, speaker=speaker, entity=entity,
                              category=category, story=_story(store, story))
            page = run_search(store.conn, query, "quotes" if in_quotes else "articles", filters, limit, offset)
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        for h in page.hits:
            d = dc.asdict(h)
            d["snippet"] = d["snippet"].replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape

    con = Console(highlight=False, soft_wrap=True)
    for h in page.hits:
        snip = escape(h.snippet).replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/bold yellow]")
        who = f" {escape(h.speaker or '(unattributed)')}:" if h.kind == "quote" else ""
        con.print(f"[dim]{h.published or 'undated'} {escape(h.outlet or '')} {h.article_id}[{h.start}:{h.end}][/dim]"
                  f" [bold]{escape(h.title or '')}[/bold]")
        con.print(f"  {who} {snip}")
    order = "most relevant first" if page.order == "relevance" else "newest first"
    shown = f"{offset + 1}-{offset + len(page.hits)} of " if page.hits else ""
    click.echo(f"{shown}{page.total} matches ({order})" if page.total else "no results", err=True)


@main.command()
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file (must exist).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--token", default=None, help="Enable POST /api/ingest for clients sending this Bearer token "
                                            "(or set STORYLINE_TOKEN). Without it the server is read-only.")
def serve(db_path: str, host: str, port: int, token: str | None) -> None:
    """Serve the HTTP API and the web page for a database (see docs/API.md)."""
    from .errors import StorylineError

    if not Path(db_path).is_file():
        raise click.ClickException(f"no database at {db_path} (run `storyline ingest` first)")
    token = token or os.environ.get("STORYLINE_TOKEN") or None
    if token is not None and len(token) < 8:
        raise click.BadParameter("use a token of at least 8 characters", param_hint="--token")
    from .serve.app import serve as run_server

    click.echo(f"storyline: serving {db_path} on http://{host}:{port}/ "
               f"({'ingest enabled with a token' if token else 'read-only'}); Ctrl-C stops", err=True)
    try:
        run_server(db_path, host=host, port=port, token=token)
    except StorylineError as e:
        raise click.ClickException(str(e)) from None


# -- the story across articles ----------------------------------------------------------------

DB_OPTION = click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB),
                         show_default=DEFAULT_DB, help="SQLite database file.")
STORY_OPTION = click.option("--story", help="Only this story (its id, or a word of its label; see `storyline stories`).")


def _open_store(db_path: str):
    from .errors import StorylineError
    from .store import Store

    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path} (run `storyline ingest` first)")
    try:
        return Store(db_path)
    except StorylineError as e:
        raise click.ClickException(str(e)) from None


def _story(store, story):
    from .api import resolve_story

    try:
        return resolve_story(store, story)
    except LookupError as e:
        raise click.BadParameter(str(e), param_hint="--story") from None


def _jsonable(obj):
    import dataclasses as dc

    from .model import Span

    if isinstance(obj, Span):
        return [obj.start, obj.end]
    if dc.is_dataclass(obj):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dc.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if hasattr(obj, "keys"):  # sqlite3.Row
        return {k: obj[k] for k in obj.keys()}
    return obj


@main.command()
@DB_OPTION
@STORY_OPTION
@click.option("--type", "etype", type=click.Choice(["PERSON", "ORG", "LOC"]), help="Only actors of this type.")
@click.option("--limit", type=click.IntRange(1), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def entities(db_path, story, etype, limit, as_json) -> None:
    """Actors across articles: canonical names, mention counts, aliases, roles, articles."""
    from . import api

    with _open_store(db_path) as store:
        found = [a for a in api.actors(store, _story(store, story)) if etype is None or a.type == etype][:limit]
    if as_json:
        for a in found:
            d = _jsonable(a)
            d.pop("forms", None)
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    for a in found:
        roles = "; ".join(f"{r.title} ({r.first}–{r.last})" if r.first != r.last else f"{r.title} ({r.first})"
                          for r in a.roles[:3])
        aliases = ", ".join(n for n, _ in a.aliases[:4])
        click.echo(f"{a.name:32} {a.type:6} {a.mentions:5} mentions in {len(a.articles):4} articles"
                   + (f"  aka {aliases}" if aliases else "") + (f"  [{roles}]" if roles else ""))


@main.command()
@DB_OPTION
@STORY_OPTION
@click.option("--category", help="Only this category (killed, injured, taken hostage, released, displaced, money ...).")
@click.option("--min-points", type=click.IntRange(1), default=2, show_default=True,
              help="Only series reported at least this many times.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def figures(db_path, story, category, min_points, limit, as_json) -> None:
    """Figure series over time, each point with value, qualifier, date, source and outlet; conflicts flagged."""
    from . import api

    with _open_store(db_path) as store:
        found = api.series(store, _story(store, story), category, min_points)[:limit]
    if as_json:
        for s in found:
            click.echo(json.dumps(_jsonable(s), ensure_ascii=False))
        return
    for s in found:
        click.echo(f"{s.label}  ({len(s.points)} points{', ' + str(len(s.conflicts)) + ' conflicts' if s.conflicts else ''})")
        top = max(p.value for p in s.points) or 1
        for p in s.points:
            bar = "█" * max(1, round(30 * p.value / top))
            click.echo(f"  {p.as_of or '?':10} {(p.qualifier + ' ') if p.qualifier else ''}{p.value:,.0f}"
                       f"{' ' + p.unit if p.unit else ''}".ljust(40) + f" {bar}  "
                       f"{p.source or ''}{' · ' if p.source and p.outlet else ''}{p.outlet or ''} [{p.article_id}:{p.span.start}]")
        for c in s.conflicts:
            click.echo(f"  ! {_jsonable(c)}")


@main.command()
@DB_OPTION
@STORY_OPTION
@click.option("--limit", type=click.IntRange(1), default=None, help="Keep the N most important dates.")
@click.option("--per-date", type=click.IntRange(1, 10), default=1, show_default=True)
@click.option("--since", callback=_iso_date, help="From this date (YYYY-MM-DD).")
@click.option("--until", callback=_iso_date, help="Up to this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def timeline(db_path, story, limit, per_date, since, until, fmt) -> None:
    """A dated timeline of events, each with its summary sentence, actors and supporting articles."""
    from . import api

    with _open_store(db_path) as store:
        tl = api.timeline(store, _story(store, story), limit, per_date, since, until)
    if fmt == "json":
        click.echo(json.dumps([{"date": e.date, "summary": e.summary, "actors": list(e.actors),
                                "article_id": e.article_id, "span": [e.span.start, e.span.end],
                                "supporting": [{"article_id": a, "span": [sp.start, sp.end]} for a, sp in e.supporting],
                                "score": e.score} for e in tl], ensure_ascii=False, indent=2))
        return
    for e in tl:
        click.echo(f"{e.date}  {e.summary}")
        click.echo(f"            {len(e.supporting)} report(s); {', '.join(e.actors[:5])}")


@main.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def stories(db_path, as_json) -> None:
    """The stories in the store, with size, date range and top actors."""
    from . import api

    with _open_store(db_path) as store:
        found = api.stories(store)
    if as_json:
        for s in found:
            click.echo(json.dumps(_jsonable(s), ensure_ascii=False))
        return
    for s in found:
        click.echo(f"{s.id}  {s.size:5} articles  {s.first} – {s.last}  {s.label}")
        click.echo(f"{'':18}{', '.join(s.top_actors)}")


@main.command()
@DB_OPTION
@STORY_OPTION
@click.option("--since", required=True, callback=_iso_date, help="Publication date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def changes(db_path, story, since, as_json) -> None:
    """What is new since a date: new actors, new series points, new events, quotes by the main actors."""
    from . import api

    with _open_store(db_path) as store:
        ch = api.changes(store, since, _story(store, story))
    if as_json:
        out = {"since": since,
               "actors": [{"name": a.name, "type": a.type, "articles": list(a.articles)} for a in ch["actors"]],
               "points": [{"series": s.label, **{k: v for k, v in _jsonable(p).items()}} for s, p in ch["points"]],
               "events": [{"date": e.date, "summary": e.summary, "article_id": e.article_id,
                           "span": [e.span.start, e.span.end]} for e in ch["events"]],
               "quotes": [{"speaker": q["speaker"], "text": q["text"], "article_id": q["article_id"],
                           "span": [q["start"], q["end"]], "published": q["a_published"]} for q in ch["quotes"]]}
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    click.echo(f"New since {since}:")
    click.echo(f"  actors ({len(ch['actors'])}): " + ", ".join(a.name for a in ch["actors"][:20]))
    click.echo(f"  series points ({len(ch['points'])}):")
    for s, p in ch["points"][:20]:
        click.echo(f"    {p.as_of}  {s.label}: {(p.qualifier + ' ') if p.qualifier else ''}{p.value:,.0f}  {p.source or ''}")
    click.echo(f"  events ({len(ch['events'])}):")
    for e in ch["events"][:20]:
        click.echo(f"    {e.date}  {_short(e.summary, 100)}")
    click.echo(f"  quotes by main actors ({len(ch['quotes'])}):")
    for q in ch["quotes"][:20]:
        click.echo(f"    {q['a_published']}  {q['speaker']}: “{_short(q['text'], 90)}”")


@main.command("export")
@DB_OPTION
@STORY_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "parquet"]), default="json", show_default=True,
              help="json: JSON Lines files; csv; parquet (needs pyarrow).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="export", show_default=True,
              help="Folder to write one file per table into.")
@click.option("--table", "tables", multiple=True, help="Only these tables (repeatable; default: all).")
def export_cmd(db_path, story, fmt, out_dir, tables) -> None:
    """Export articles, quotes, figures, series, events, timeline and entities with stable ids."""
    from .errors import StorylineError
    from .export import TABLES, export

    bad = [t for t in tables if t not in TABLES]
    if bad:
        raise click.BadParameter(f"unknown table {bad[0]!r}; choose from {', '.join(TABLES)}", param_hint="--table")
    with _open_store(db_path) as store:
        try:
            counts = export(store, Path(out_dir), fmt, tables or TABLES, _story(store, story))
        except StorylineError as e:
            raise click.ClickException(str(e)) from None
    for t, n in counts.items():
        click.echo(f"{n:8} {t}  → {Path(out_dir) / t}.{'jsonl' if fmt == 'json' else fmt}")


# -- evaluation and benchmarks ---------------------------------------------------------------


def _print_figures(result: dict, as_json: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(title)
    for k, v in _flatten(result):
        click.echo(f"  {k:40} {v}")


def _flatten(d: dict, prefix: str = ""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flatten(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


@main.group()
def evaluate() -> None:
    """Accuracy on the team's evaluation sets (needs ../shared, or STORYLINE_SHARED)."""


def _evaluator(module: str):
    import importlib

    return importlib.import_module(f"storyline.evaluate.{module}").evaluate


@evaluate.command("html")
@click.option("--json", "as_json", is_flag=True)
def evaluate_html(as_json: bool) -> None:
    """Body F1 on bench/article-extraction (181 real pages), by its own scorer."""
    _print_figures(_evaluator("html_bench")(_shared_dir() / "bench" / "article-extraction"), as_json,
                   "HTML body extraction (bench/article-extraction)")


@evaluate.command("timeml")
@click.option("--json", "as_json", is_flag=True)
def evaluate_timeml(as_json: bool) -> None:
    """DATE value accuracy on TimeBank and AQUAINT (bench/timeml)."""
    _print_figures(_evaluator("timeml")(_shared_dir() / "bench" / "timeml"), as_json, "Dates (bench/timeml)")


@evaluate.command("ner")
@click.option("--json", "as_json", is_flag=True)
def evaluate_ner(as_json: bool) -> None:
    """Entity span P/R/F1 on Universal NER English-EWT (bench/ner)."""
    folder = _shared_dir() / "bench" / "ner" / "uner_en_ewt"
    result = {split: _evaluator("ner")(folder / f"en_ewt-ud-{split}.iob2", verbose=False) for split in ("dev", "test")}
    _print_figures(result, as_json, "Entities (bench/ner, Universal NER English-EWT)")


@evaluate.command("quotes")
@click.option("--json", "as_json", is_flag=True)
def evaluate_quotes(as_json: bool) -> None:
    """Direct-quote speaker attribution on PolNeAR (bench/quotes)."""
    _print_figures(_evaluator("quotes_bench")(_shared_dir() / "bench" / "quotes" / "polnear_dev.jsonl"), as_json,
                   "Quotes (bench/quotes, PolNeAR dev)")


@evaluate.command("timeline")
@click.option("--topic", "topic_names", multiple=True, help="Only these Timeline17 topic folders (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def evaluate_timeline(topic_names: tuple[str, ...], as_json: bool) -> None:
    """Date-selection F1 and ROUGE-1/2 of storyline's timelines against Timeline17's journalists' timelines."""
    from .evaluate.timeline import evaluate as run_eval

    result = run_eval(_shared_dir() / "bench" / "tls" / "timeline17", topics=list(topic_names) or None,
                      echo=None if as_json else click.echo)
    _print_figures(result, as_json, "Timelines (bench/tls Timeline17; news-tls DATEWISE: date F1 0.544, align ROUGE-1 0.120)")


@evaluate.command("stories")
@click.option("--json", "as_json", is_flag=True)
def evaluate_stories(as_json: bool) -> None:
    """Purity of stories recovered from a corpus mixing every Timeline17 topic."""
    _print_figures(_evaluator("stories")(_shared_dir() / "bench" / "tls" / "timeline17"), as_json,
                   "Stories (bench/tls Timeline17, all topics mixed)")


@evaluate.command("gold")
@click.argument("name", type=click.Choice(["seeds", "t17dev"]), default="seeds")
@click.option("--verbose", is_flag=True, help="List what was missed.")
def evaluate_gold(name: str, verbose: bool) -> None:
    """Extract corpus/NAME and score it against gold/NAME.gold.json with shared/tools/score.py."""
    import subprocess
    import tempfile

    from .model import Problem
    from .pipeline import run
    from .serialize import extraction_dict

    shared = _shared_dir()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for item in run([str(shared / "corpus" / name)]):
            if isinstance(item, Problem):
                _report_problem(item)
            else:
                out.write(json.dumps(extraction_dict(item), ensure_ascii=False) + "\n")
    args = [sys.executable, str(shared / "tools" / "score.py"), str(shared / "gold" / f"{name}.gold.json"), out.name]
    sys.exit(subprocess.call(args + (["--verbose"] if verbose else [])))


BENCH_LIMIT = click.option("--limit", type=int, default=None, help="Use this many Timeline17 articles (default: all).")
BENCH_NO_DATEPARSER = click.option("--no-dateparser", is_flag=True, help="Skip the dateparser.search_dates comparison.")


@main.group(invoke_without_command=True)
@click.option("--limit", type=int, default=None, hidden=True)
@click.option("--no-dateparser", is_flag=True, hidden=True)
@click.option("--json", "as_json", is_flag=True, hidden=True)
@click.pass_context
def bench(ctx: click.Context, limit: int | None, no_dateparser: bool, as_json: bool) -> None:
    """Speed and memory benchmarks: `bench extract`, `bench generate`, `bench ingest`.

    `storyline bench` alone (with `--limit`, `--no-dateparser`, `--json`) runs `bench extract`.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(bench_extract, limit=limit, no_dateparser=no_dateparser, as_json=as_json)


@bench.command("extract")
@BENCH_LIMIT
@BENCH_NO_DATEPARSER
@click.option("--json", "as_json", is_flag=True)
def bench_extract(limit: int | None, no_dateparser: bool, as_json: bool) -> None:
    """Extraction speed (articles/s per core, peak memory) on Timeline17, against dateparser.search_dates."""
    from .evaluate.bench import run as run_bench

    _print_figures(run_bench(_shared_dir(), limit=limit, with_dateparser=not no_dateparser), as_json,
                   "Extraction benchmark (one process = one core; bench/tls Timeline17)")


@bench.command("generate")
@click.option("--n", "n", type=click.IntRange(1), required=True, help="Number of articles to write.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Folder to write into.")
@click.option("--seed", type=int, default=0, show_default=True, help="The corpus is a pure function of the seed.")
@click.option("--jsonl", is_flag=True, help="Write JSON Lines shards (1,000 articles each) instead of files.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def bench_generate(n: int, out_dir: str, seed: int, jsonl: bool, as_json: bool) -> None:
    """Write N realistic articles recombined from Timeline17 (stories moved in time, outlets, wire copies)."""
    from .evaluate.bulk import generate

    def progress(done: int) -> None:
        if not as_json and done % 10_000 == 0:
            click.echo(f"  {done} articles", err=True)

    manifest = generate(_shared_dir() / "bench" / "tls" / "timeline17", Path(out_dir), n, seed=seed, jsonl=jsonl,
                        on_progress=progress)
    _print_figures(manifest, as_json, f"Generated corpus → {out_dir}")


@bench.command("ingest")
@click.option("--sizes", default="1000,10000", show_default=True,
              help="Corpus sizes, comma-separated (corpora bulk1k, bulk10k ... under --corpus-root; generated if missing).")
@click.option("--engines", default="serial,local,dask", show_default=True, help="Engines to run, comma-separated.")
@WORKERS
@SCHEDULER
@click.option("--corpus-root", type=click.Path(file_okay=False), default=lambda: os.environ.get("STORYLINE_BENCH", "bench"),
              show_default="$STORYLINE_BENCH or ./bench", help="Where the generated corpora are (or go).")
@click.option("--db-dir", type=click.Path(file_okay=False), default=None,
              help="Where the stores are written (default: --corpus-root); each run starts from an empty store.")
@click.option("--json", "as_json", is_flag=True)
def bench_ingest(sizes: str, engines: str, workers: int, scheduler: str | None, corpus_root: str, db_dir: str | None,
                 as_json: bool) -> None:
    """Ingest speed, peak memory of the process tree and cost growth per corpus size and engine."""
    from .engine import ENGINES
    from .evaluate.ingest_bench import run as run_bench

    try:
        ns = [int(x) for x in sizes.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("use numbers, e.g. 1000,10000", param_hint="--sizes") from None
    names = [e.strip() for e in engines.split(",") if e.strip()]
    bad = [e for e in names if e not in ENGINES]
    if bad or not names or any(n < 1 for n in ns):
        raise click.BadParameter(f"choose engines from {', '.join(ENGINES)}", param_hint="--engines")
    try:
        tls = _shared_dir() / "bench" / "tls" / "timeline17"
    except click.UsageError:
        tls = None
    root = Path(corpus_root)
    result = run_bench(ns, names, workers, root, tls, Path(db_dir) if db_dir else root, scheduler=scheduler,
                       echo=None if as_json else click.echo)
    if as_json:
        click.echo(json.dumps(result))


@bench.command("search")
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file to measure (not written).")
@click.option("--queries", type=click.IntRange(5, 100_000), default=200, show_default=True,
              help="Queries sampled from the stored text.")
@click.option("--loads", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Page loads timed.")
@click.option("--seed", type=int, default=0, show_default=True, help="The query sample is a function of the seed.")
@click.option("--json", "as_json", is_flag=True)
def bench_search(db_path: str, queries: int, loads: int, seed: int, as_json: bool) -> None:
    """Search latency (p50/p95/max over rare, common, phrase, name and filtered queries) and page load time."""
    from .evaluate.search_bench import run as run_bench

    if not Path(db_path).is_file():
        raise click.ClickException(f"no database at {db_path}")
    _print_figures(run_bench(db_path, queries=queries, loads=loads, seed=seed), as_json,
                   f"Search and page benchmark ({db_path})")

if __name__ == "__main__":  # pragma: no cover
    main()
