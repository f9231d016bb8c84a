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
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def _shared_dir() -> Path:
    """Where ``../shared`` is: STORYLINE_SHARED, else beside the current folder or the checkout."""
    env = os.environ.get("STORYLINE_SHARED")
    for cand in ([Path(env)] if env else []) + [Path.cwd().parent / "shared", SHARED]:
        if cand.is_dir():
            return cand.resolve()
    raise click.UsageError("cannot find the shared/ folder; set STORYLINE_SHARED or pass the path")


WORKERS = click.option("--workers", "-j", type=click.IntRange(1, 256), default=lambda: os.cpu_count() or 1,
                       show_default="all cores", help="Processes for per-article work.")


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
def extract(paths: tuple[str, ...], fmt: str, strict: bool, workers: int) -> None:
    """Read, clean and extract articles from PATHS (files, folders, .gz, or - for stdin); print the results.

    Nothing is stored. Errors for bad documents go to stderr, one line each.
    """
    from .model import Problem
    from .pipeline import RunReport, run
    from .serialize import extraction_dict

    report = RunReport()
    first = True
    if fmt == "json":
        click.echo("[")
    for item in run(list(paths), strict=strict, report=report, workers=workers):
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
def ingest(paths: tuple[str, ...], db_path: str, as_json: bool, progress: bool | None, workers: int) -> None:
    """Read, clean, extract and store articles from PATHS in the database (idempotent)."""
    from .errors import StorylineError
    from .extract import EXTRACTOR_VERSION
    from .model import Problem
    from .pipeline import RunReport, run
    from .serialize import problem_dict
    from .store import Store

    try:
        store = Store(db_path, extractor_version=f"{__version__}/{EXTRACTOR_VERSION}")
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    failed = []
    report = RunReport()
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        bar = Progress(SpinnerColumn(), TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TextColumn("[dim]{task.fields[doc]}"), transient=True,
                       console=__import__("rich.console", fromlist=["Console"]).Console(stderr=True))
        bar.start()
        task = bar.add_task("ingest", total=None, doc="")
    try:
        with store:
            for item in run(list(paths), report=report, workers=workers):
                if isinstance(item, Problem):
                    failed.append(problem_dict(item))
                    if not as_json:
                        _report_problem(item)
                else:
                    try:
                        counts[store.save(item)] += 1
                    except StorylineError as e:
                        failed.append({"source": item.article.source, "stage": e.stage, "kind": e.kind,
                                       "error": str(e)})
                if bar is not None:
                    bar.update(task, advance=1, doc=_short(item.source if isinstance(item, Problem)
                                                           else item.article.source, 50))
    finally:
        if bar is not None:
            bar.stop()
    summary = {**counts, "failed": [{"source": f["source"], "error": f["error"]} for f in failed]}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(f"{counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged, "
                   f"{len(failed)} failed  → {db_path}", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB,
              help="SQLite database file.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def stats(db_path: str, as_json: bool) -> None:
    """Counts of everything stored, so two stores can be compared."""
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
            click.echo(f"{k:12} {v}")


@main.command()
@click.argument("query")
@click.option("--db", "db_path", default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB), show_default=DEFAULT_DB)
@click.option("--quotes", "in_quotes", is_flag=True, help="Search quotations instead of articles.")
@click.option("--since", help="Published on or after (YYYY-MM-DD).")
@click.option("--until", help="Published on or before (YYYY-MM-DD).")
@click.option("--outlet", help="Only this outlet.")
@click.option("--speaker", help="Only quotes whose speaker contains this.")
@click.option("--entity", help="Only articles naming this entity (canonical name).")
@click.option("--category", help="Only articles with a figure of this category (killed, money ...).")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True)
def search(query, db_path, in_quotes, since, until, outlet, speaker, entity, category, limit, offset, as_json) -> None:
    """Full-text search over stored articles (or quotes with --quotes), with filters."""
    import dataclasses as dc

    from .errors import StorylineError
    from .store import Store
    from .store.search import MARK_CLOSE, MARK_OPEN, Filters

    for name, value in (("--since", since), ("--until", until)):
        if value and not __import__("re").fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise click.BadParameter("use YYYY-MM-DD", param_hint=name)
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}")
    try:
        with Store(db_path) as store:
            hits = store.search(query, kind="quotes" if in_quotes else "articles", limit=limit, offset=offset,
                                filters=Filters(since, until, outlet, speaker, entity, category))
    except StorylineError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        for h in hits:
            d = dc.asdict(h)
            d["snippet"] = d["snippet"].replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            click.echo(json.dumps(d, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape

    con = Console(highlight=False, soft_wrap=True)
    for h in hits:
        snip = escape(h.snippet).replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/bold yellow]")
        who = f" {escape(h.speaker or '(unattributed)')}:" if h.kind == "quote" else ""
        con.print(f"[dim]{h.published or 'undated'} {escape(h.outlet or '')} {h.article_id}[{h.start}:{h.end}][/dim]"
                  f" [bold]{escape(h.title or '')}[/bold]")
        con.print(f"  {who} {snip}")
    if not hits:
        con.print("no results")


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
    _print_figures(_evaluator("quotes_bench")(_shared_dir() / "bench" / "quotes"), as_json, "Quotes (bench/quotes)")


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


@main.command()
@click.option("--limit", type=int, default=None, help="Use this many Timeline17 articles (default: all).")
@click.option("--no-dateparser", is_flag=True, help="Skip the dateparser.search_dates comparison.")
@click.option("--json", "as_json", is_flag=True)
def bench(limit: int | None, no_dateparser: bool, as_json: bool) -> None:
    """Extraction speed (articles/s per core, peak memory) on Timeline17, against dateparser.search_dates."""
    from .evaluate.bench import run as run_bench

    _print_figures(run_bench(_shared_dir(), limit=limit, with_dateparser=not no_dateparser), as_json,
                   "Extraction benchmark (one process = one core; bench/tls Timeline17)")


if __name__ == "__main__":  # pragma: no cover
    main()
