"""Ingest benchmark: articles per second, peak memory and cost growth, per corpus size and engine.

Each run ingests a generated corpus (:mod:`storyline.evaluate.bulk`; ``bulk1k`` = 1,000 articles ...)
into a fresh store, in a child process (``python -m storyline.evaluate.ingest_bench CHILD-JSON``) so
that nothing of this process is counted. While it runs, this process samples the resident memory of
the child's whole process tree (coordinator + local workers, or + the Dask nannies, workers and the
in-process scheduler) every ``SAMPLE_SECONDS`` with psutil, and reports its peak, during the ingest
and during the final ``refresh`` separately. With an external
Dask cluster (``scheduler``) the workers are other processes on other machines and are not counted.

Per run: articles/s (wall clock, listing to last store write; and after the first tenth, i.e. without
the start-up of worker processes or a Dask cluster), wall time, the time of the final
``refresh`` (cross-article resolution of everything the run added), the end-to-end rate (articles
over ingest plus refresh: the refresh runs in the coordinator alone, so it dilutes the speedup of
more workers), peak RSS of the tree and of the
coordinator, CPU seconds of the coordinator (what the merge into SQLite costs it), the per-article
cost in each tenth of the run, in wall time and in coordinator CPU time (how the cost grows as the
store grows; the CPU figure does not depend on other load on the machine) and the speedup against the
one-process (``serial``) run of the same size: measured, and *CPU-bound* — the serial run's CPU time
per article over the parallel run's (coordinator plus workers) spread over its processes, i.e. the
speedup an otherwise idle machine would give at most. On a shared machine the measured speedup
depends on what else runs; the CPU-bound one does not. The machine's load average at start and end is
printed too, since other work on the machine changes every figure.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

# Resident-memory sampling period of the process tree.
SAMPLE_SECONDS = 0.2
DECILES = 10


def corpus_name(n: int) -> str:
    return f"bulk{n // 1000}k" if n % 1000 == 0 else f"bulk{n}"


def ensure_corpus(root: Path, n: int, tls_root: Path | None, echo: Callable[[str], None] | None = None) -> Path:
    """The generated corpus of ``n`` articles under ``root``, generated (seed 0) if missing."""
    folder = root / corpus_name(n)
    if (folder / ".manifest.json").exists():
        return folder
    if tls_root is None:
        raise FileNotFoundError(f"no corpus at {folder} and no Timeline17 to generate it from")
    from .bulk import generate

    if echo:
        echo(f"generating {folder} ...")
    generate(tls_root, folder, n)
    return folder


def _tree_rss(proc) -> tuple[int, int]:
    """(RSS of the process, RSS of it and all its descendants), in bytes; vanished processes count 0."""
    import psutil

    try:
        own = proc.memory_info().rss
        kids = proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    total = own
    for k in kids:
        try:
            total += k.memory_info().rss
        except psutil.Error:
            pass
    return own, total


def bench_run(corpus: Path, engine: str, workers: int, db: Path, scheduler: str | None = None,
              time_budget: float | None = None) -> dict:
    """One ingest of ``corpus`` into a fresh ``db`` with ``engine``; the figures of the run."""
    import psutil

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    spec = {"corpus": str(corpus), "engine": engine, "workers": workers, "db": str(db), "scheduler": scheduler,
            "time_budget": time_budget}
    load_start = os.getloadavg()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, "-m", "storyline.evaluate.ingest_bench", json.dumps(spec)],
                                 stdout=out, stderr=subprocess.PIPE, text=True)
        proc = psutil.Process(child.pid)
        peaks = {"ingest": [0, 0], "refresh": [0, 0]}  # phase -> [coordinator, tree]
        phase = "ingest"
        while child.poll() is None:
            own, tree = _tree_rss(proc)
            if phase == "ingest" and os.fstat(out.fileno()).st_size > 0:  # the child said: ingest done
                phase = "refresh"
            peaks[phase] = [max(peaks[phase][0], own), max(peaks[phase][1], tree)]
            time.sleep(SAMPLE_SECONDS)
        err = child.stderr.read() if child.stderr else ""
        out.seek(0)
        text = out.read()
    if child.returncode != 0:
        raise RuntimeError(f"ingest run failed ({engine}, {corpus.name}):\n{err[-4000:]}")
    result = json.loads(text.strip().splitlines()[-1])
    mb = 2**20
    result.update(peak_rss_tree_mb=round(max(peaks["ingest"][1], peaks["refresh"][1]) / mb, 1),
                  peak_rss_coordinator_mb=round(max(peaks["ingest"][0], peaks["refresh"][0]) / mb, 1),
                  peak_rss_tree_ingest_mb=round(peaks["ingest"][1] / mb, 1),
                  peak_rss_refresh_mb=round(peaks["refresh"][1] / mb, 1),
                  load_start=[round(x, 2) for x in load_start], load_end=[round(x, 2) for x in os.getloadavg()])
    return result


def run(sizes: list[int], engines: list[str], workers: int, root: Path, tls_root: Path | None,
        db_dir: Path, scheduler: str | None = None, echo: Callable[[str], None] | None = None) -> dict:
    """Every (size, engine) run; the ``serial`` run of a size is the 1-worker reference for speedups."""
    results: dict = {"workers": workers, "cpu_count": os.cpu_count(), "runs": []}
    db_dir.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        corpus = ensure_corpus(root, n, tls_root, echo)
        serial_rate = None
        for engine in engines:
            db = db_dir / f"ingest-{corpus.name}-{engine}.db"
            procs = 1 if engine == "serial" else workers
            if echo:
                echo(f"{corpus.name} {engine} (workers {procs}) → {db} ...")
            r = bench_run(corpus, engine, procs, db, scheduler if engine == "dask" else None)
            r["size"] = n
            if engine == "serial":
                serial_rate = (r["articles_per_second"], r["steady_articles_per_second"], r["cpu_ms_per_article"],
                               r["end_to_end_articles_per_second"])
            if serial_rate:
                r["speedup_vs_serial"] = round(r["articles_per_second"] / serial_rate[0], 2)
                r["steady_speedup_vs_serial"] = round(r["steady_articles_per_second"] / serial_rate[1], 2)
                r["end_to_end_speedup_vs_serial"] = round(r["end_to_end_articles_per_second"] / serial_rate[3], 2)
                # what an otherwise idle machine would give at most: the work spread over `procs` cores
                r["cpu_bound_speedup"] = round(min(procs, os.cpu_count() or 1) * serial_rate[2]
                                               / r["cpu_ms_per_article"], 2)
            results["runs"].append(r)
            if echo:
                echo("  " + summary_line(r))
    return results


def summary_line(r: dict) -> str:
    return (f"{r['size']:>7} {r['engine']:6} w={r['workers']} {r['articles_per_second']:7.1f} art/s "
            f"(after the first tenth {r['steady_articles_per_second']:.1f})  "
            f"wall {r['wall_seconds']:8.1f}s  refresh {r['refresh_seconds']:6.1f}s  "
            f"end to end {r['end_to_end_articles_per_second']:.1f} art/s"
            + (f" ({r['end_to_end_speedup_vs_serial']:.2f}x)  " if "end_to_end_speedup_vs_serial" in r else "  ")
            + f"peak RSS tree {r['peak_rss_tree_mb']:7.1f} MB (ingest {r['peak_rss_tree_ingest_mb']:.1f}, "
            f"refresh {r['peak_rss_refresh_mb']:.1f}, coordinator {r['peak_rss_coordinator_mb']:.1f})  "
            f"CPU: coordinator {r['coordinator_cpu_seconds']:.1f}s, workers {r['workers_cpu_seconds']:.1f}s, "
            f"{r['cpu_ms_per_article']:.1f} ms/article"
            + (f"  speedup {r['speedup_vs_serial']:.2f}x (after the first tenth {r['steady_speedup_vs_serial']:.2f}x; "
               f"CPU-bound {r['cpu_bound_speedup']:.2f}x)" if "speedup_vs_serial" in r else "")
            + f"  load {r['load_start'][0]:.1f}→{r['load_end'][0]:.1f}"
            + "\n          ms/article by tenth: " + " ".join(f"{v:.1f}" for v in r["ms_per_article_by_decile"])
            + "\n          coordinator CPU ms/article by tenth: "
            + " ".join(f"{v:.2f}" for v in r["coordinator_cpu_ms_per_article_by_decile"]))


# -- the child: one ingest, figures as JSON on stdout --------------------------------------------


def _child(spec: dict) -> dict:
    from .. import __version__
    from ..api import refresh
    from ..extract import EXTRACTOR_VERSION
    from ..pipeline import ingest
    from ..store import Store

    corpus = Path(spec["corpus"])
    manifest = json.loads((corpus / ".manifest.json").read_text(encoding="utf-8"))
    n = manifest["n"]
    marks: list[float] = []  # time at which each tenth of the corpus was stored
    cpu_marks: list[float] = []  # this process's CPU time then (what merging into SQLite costs as it grows)
    done = 0
    step = max(1, n // DECILES)

    def on_result(_item) -> None:
        nonlocal done
        done += 1
        if done % step == 0 and len(marks) < DECILES:
            marks.append(time.perf_counter())
            cpu_marks.append(time.process_time())

    store = Store(spec["db"], extractor_version=f"{__version__}/{EXTRACTOR_VERSION}")
    t0 = time.perf_counter()
    c0 = time.process_time()
    summary = ingest([str(corpus)], store, on_result=on_result, workers=spec["workers"], engine=spec["engine"],
                     scheduler=spec.get("scheduler"), time_budget=spec.get("time_budget"))
    t1 = time.perf_counter()
    c1 = time.process_time()
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # the engine's processes, reaped by now
    print(json.dumps({"phase": "refresh"}), flush=True)  # tells the parent the ingest is over
    refresh(store)
    t2 = time.perf_counter()
    counts = store.counts()
    store.close()
    edges = [t0] + marks
    per_decile = [1000 * (b - a) / step for a, b in zip(edges, edges[1:])]
    cpu_edges = [c0] + cpu_marks
    coordinator_per_decile = [1000 * (b - a) / step for a, b in zip(cpu_edges, cpu_edges[1:])]
    # after the first tenth: without start-up (worker processes, a Dask cluster, first loads)
    steady = (len(marks) - 1) * step / (marks[-1] - marks[0]) if len(marks) > 1 else done / (t1 - t0)
    workers_cpu_seconds = workers_cpu.ru_utime + workers_cpu.ru_stime
    return {"engine": spec["engine"], "workers": spec["workers"], "articles": done,
            "articles_per_second": round(done / (t1 - t0), 2), "steady_articles_per_second": round(steady, 2),
            "wall_seconds": round(t1 - t0, 1),
            "refresh_seconds": round(t2 - t1, 1), "end_to_end_articles_per_second": round(done / (t2 - t0), 2),
            "ms_per_article_by_decile": [round(v, 2) for v in per_decile],
            "coordinator_cpu_ms_per_article_by_decile": [round(v, 2) for v in coordinator_per_decile],
            "coordinator_cpu_seconds": round(c1 - c0, 1), "workers_cpu_seconds": round(workers_cpu_seconds, 1),
            "cpu_ms_per_article": round(1000 * (c1 - c0 + workers_cpu_seconds) / max(done, 1), 2),
            "added": summary.added, "unchanged": summary.unchanged, "failed": len(summary.failed),
            "stored": counts, "db": spec["db"]}


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
