"""Benchmark: `salesrisk score --out` end to end against the raw read and the raw write, in the same run.

    .venv/bin/python benchmarks/bench_score.py                     # 100k and 1M invoices
    .venv/bin/python benchmarks/bench_score.py --rows 100000 --repeat 3 --markdown

For each ledger (the receivables xlsx of benchmarks/bench_read.py and bench_overdue.py, cached in
benchmarks/out/):

- raw read — the floor for reading: fastexcel → pandas with the header row given;
- raw write — the floor for writing: `write_workbook` of the very sheets the command writes (built once by
  the library in a separate process and pickled to benchmarks/out/, so only the write is timed);
- end to end — the command's work for `--out --no-store`: read_ledger → score_credit → credit_sheets →
  write_workbook, with the time of each stage.

Each measurement runs in a fresh subprocess, so its peak RSS is its own (imported libraries included). The
ratios printed are end to end ÷ (raw read + raw write of the same output) and end to end ÷ raw read.
--markdown prints the table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

from bench_overdue import AS_OF, LANG, OUT, ROOT, XLSX_HEADER_ROW, _rss_mb, ensure_file


def _sheets_path(rows: int) -> Path:
    return OUT / f"score_sheets_{rows}.pickle"


def _output_path(rows: int, what: str) -> Path:
    return OUT / f"score_{rows}_{what}.xlsx"


def child(what: str, path: str, rows: int) -> dict:
    """One measurement (or the untimed preparation of the sheets), run inside the subprocess."""
    import fastexcel
    import pandas as pd

    import salesrisk  # noqa: F401
    from salesrisk.credit import score_credit
    from salesrisk.io.reader import read_ledger
    from salesrisk.io.writer import write_workbook
    from salesrisk.report.credit_workbook import credit_sheets

    as_of = pd.Timestamp(AS_OF)
    if what == "prepare":  # not timed: the sheets the command writes, for the raw write to load
        book = read_ledger(path)
        result = score_credit(book, as_of)
        with _sheets_path(rows).open("wb") as fh:
            pickle.dump(credit_sheets(result, book, LANG), fh, protocol=pickle.HIGHEST_PROTOCOL)
        return {"what": what, "customers": len(result.customers), "findings": len(result.findings)}

    sheets = None
    if what == "write":
        with _sheets_path(rows).open("rb") as fh:
            sheets = pickle.load(fh)
    base = _rss_mb()  # after imports (and, for the raw write, after loading its input)
    stages: dict[str, float] = {}
    out = None
    started = time.perf_counter()
    if what == "read":
        frame = fastexcel.read_excel(path).load_sheet(0, header_row=XLSX_HEADER_ROW).to_pandas()
        n = len(frame)
    elif what == "write":
        out = _output_path(rows, what)
        write_workbook(out, sheets, force=True)
        n = sum(len(s.frame) for s in sheets)
    else:
        t = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal t
            now = time.perf_counter()
            stages[name] = round(now - t, 3)
            t = now

        book = read_ledger(path)
        lap("read")
        result = score_credit(book, as_of)
        lap("score")
        built = credit_sheets(result, book, LANG)
        lap("build")
        out = _output_path(rows, what)
        write_workbook(out, built, force=True)
        lap("write")
        n = sum(len(s.frame) for s in built)
    wall = time.perf_counter() - started
    size = out.stat().st_size / 1024**2 if out is not None else 0.0
    if out is not None:
        out.unlink()
    return {"what": what, "rows_out": n, "seconds": wall, "peak_mb": _rss_mb(), "base_mb": base,
            "stages": stages, "out_mb": size}


def _run(what: str, path: Path, rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", what, str(path), str(rows)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{what} on {path.name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(what: str, path: Path, rows: int, repeat: int) -> dict:
    samples = sorted((_run(what, path, rows) for _ in range(repeat)), key=lambda r: r["seconds"])
    return samples[len(samples) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is kept")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        what, path, rows = args.child
        print(json.dumps(child(what, path, int(rows))))
        return

    results = []
    for rows in args.rows:
        path = ensure_file(rows)
        started = time.perf_counter()
        prepared = _run("prepare", path, rows)
        print(f"  prepared the sheets for {rows:,} rows in {time.perf_counter() - started:.1f} s "
              f"({prepared['customers']:,} customers, {prepared['findings']:,} findings)", file=sys.stderr,
              flush=True)
        read = measure("read", path, rows, args.repeat)
        write = measure("write", path, rows, args.repeat)
        e2e = measure("e2e", path, rows, args.repeat)
        _sheets_path(rows).unlink(missing_ok=True)
        floor = read["seconds"] + write["seconds"]
        r = {"rows": rows, "customers": prepared["customers"], "rows_out": e2e["rows_out"], "out_mb": e2e["out_mb"],
             "read_s": read["seconds"], "write_s": write["seconds"], "e2e_s": e2e["seconds"],
             "ratio": e2e["seconds"] / floor, "to_read": e2e["seconds"] / read["seconds"],
             "read_peak": read["peak_mb"], "write_peak": write["peak_mb"], "e2e_peak": e2e["peak_mb"],
             "stages": e2e["stages"]}
        results.append(r)
        print(f"{rows:>9,} invoices, {r['customers']:,} customers: out {r['rows_out']:,} rows {r['out_mb']:.1f} MB  "
              f"raw read {r['read_s']:.2f} s  raw write {r['write_s']:.2f} s  end to end {r['e2e_s']:.2f} s  "
              f"÷(read+write) {r['ratio']:.2f}  ÷read {r['to_read']:.2f}  "
              f"peak read {r['read_peak']:.0f} / write {r['write_peak']:.0f} / e2e {r['e2e_peak']:.0f} MB  "
              f"stages {r['stages']}", flush=True)

    worst = max(results, key=lambda r: r["ratio"], default=None)
    if worst:
        print(f"worst end to end ÷ (read + write): {worst['ratio']:.2f} ({worst['rows']:,} invoices); target ≤ 1.2")
        print(f"worst end to end ÷ read: {max(r['to_read'] for r in results):.2f}; target ≤ 3")
    if args.markdown:
        print()
        print("| invoices | customers | rows written | output MB | raw read s | raw write s | end to end s | "
              "÷ (read + write) | ÷ read | peak MB read / write / e2e | stages (s) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in results:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
            print(f"| {r['rows']:,} | {r['customers']:,} | {r['rows_out']:,} | {r['out_mb']:.1f} | {r['read_s']:.2f} | "
                  f"{r['write_s']:.2f} | {r['e2e_s']:.2f} | {r['ratio']:.2f} | {r['to_read']:.2f} | "
                  f"{r['read_peak']:.0f} / {r['write_peak']:.0f} / {r['e2e_peak']:.0f} | {stages} |")


if __name__ == "__main__":
    main()
