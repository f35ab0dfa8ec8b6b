"""Benchmark: `salesrisk overdue --out` end to end against the raw read and the raw write, in the same run.

    .venv/bin/python benchmarks/bench_overdue.py                   # 100k and 1M rows, default and --full
    .venv/bin/python benchmarks/bench_overdue.py --rows 100000 --modes default --markdown
    .venv/bin/python benchmarks/bench_overdue.py --rows 100000 --verify   # streamed rows == write_row's, bytewise

For each ledger (the xlsx of benchmarks/bench_read.py, cached in benchmarks/out/):

- raw read — the floor for reading: fastexcel → pandas with the header row given;
- raw write — the floor for writing: `write_workbook` of the very sheets the command writes (built once by
  the library in a separate process and pickled to benchmarks/out/, so only the write is timed);
- end to end — the command's work for `--out`: read_ledger → age_receivables → overdue_sheets →
  write_workbook, in the default mode and with --full, with the time of each stage.

Each measurement runs in a fresh subprocess, so its peak RSS is its own (it includes the ~150 MB of imported
libraries). The ratios printed are end to end ÷ (raw read + raw write of the same output), and the default
output of the largest ledger ÷ its raw read. --markdown prints the table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
XLSX_HEADER_ROW = 3  # the generator writes two title rows and a blank row above the header
AS_OF = "2026-06-30"  # the generator's last day: a fixed date keeps runs comparable
LANG = "zh"
MODES = ("default", "full")


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_data" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_file(rows: int) -> Path:
    path = OUT / f"receivables_{rows}_xlsx.xlsx"  # the same file as bench_read.py
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        tmp = path.with_name(path.stem + ".tmp.xlsx")
        _generator().write_receivables(rows, tmp)
        tmp.rename(path)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _sheets_path(rows: int, mode: str) -> Path:
    return OUT / f"overdue_sheets_{rows}_{mode}.pickle"


def _output_path(rows: int, what: str) -> Path:
    return OUT / f"overdue_{rows}_{what}.xlsx"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, path: str, rows: int, modes: list[str]) -> dict:
    """One measurement (or the untimed preparation of the sheets), run inside the subprocess."""
    import fastexcel
    import pandas as pd

    import salesrisk  # noqa: F401
    from salesrisk.io.reader import read_ledger
    from salesrisk.io.writer import write_workbook
    from salesrisk.overdue import age_receivables
    from salesrisk.report.workbook import overdue_sheets

    as_of = pd.Timestamp(AS_OF)
    if what == "prepare":  # not timed: the sheets the command writes, for the raw write to load
        book = read_ledger(path)
        result = age_receivables(book, as_of)
        for mode in modes:
            sheets = overdue_sheets(result, book, LANG, full=mode == "full")
            with _sheets_path(rows, mode).open("wb") as fh:
                pickle.dump(sheets, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return {"what": what}

    if what.startswith("verify-"):  # not timed: the streamed rows against xlsxwriter's write_row, byte for byte
        import zipfile

        from salesrisk.io import writer

        with _sheets_path(rows, what.removeprefix("verify-")).open("rb") as fh:
            sheets = pickle.load(fh)
        streamed, reference = _output_path(rows, what + "-streamed"), _output_path(rows, what + "-write_row")
        write_workbook(streamed, sheets, force=True)
        stream_rows = writer._stream_rows
        writer._stream_rows = lambda *args: False
        try:
            write_workbook(reference, sheets, force=True)
        finally:
            writer._stream_rows = stream_rows
        with zipfile.ZipFile(streamed) as a, zipfile.ZipFile(reference) as b:
            differ = sorted(set(a.namelist()) ^ set(b.namelist())) + [
                n for n in a.namelist() if n in b.namelist() and a.read(n) != b.read(n)]
        streamed.unlink()
        reference.unlink()
        return {"what": what, "differ": differ}

    sheets = None
    if what.startswith("write-"):
        with _sheets_path(rows, what.removeprefix("write-")).open("rb") as fh:
            sheets = pickle.load(fh)
    base = _rss_mb()  # after imports (and, for the raw write, after loading its input)
    stages: dict[str, float] = {}
    out = None
    started = time.perf_counter()
    if what == "read":
        frame = fastexcel.read_excel(path).load_sheet(0, header_row=XLSX_HEADER_ROW).to_pandas()
        n = len(frame)
    elif sheets is not None:
        out = _output_path(rows, what)
        write_workbook(out, sheets, force=True)
        n = sum(len(s.frame) for s in sheets)
    else:
        mode = what.removeprefix("e2e-")
        t = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal t
            now = time.perf_counter()
            stages[name] = round(now - t, 3)
            t = now

        book = read_ledger(path)
        lap("read")
        result = age_receivables(book, as_of)
        lap("age")
        built = overdue_sheets(result, book, LANG, full=mode == "full")
        lap("build")
        out = _output_path(rows, what)
        write_workbook(out, built, force=True)
        lap("write")
        n = sum(len(s.frame) for s in built)
    wall = time.perf_counter() - started
    size = out.stat().st_size / 1024**2 if out is not None else 0.0
    if out is not None:
        out.unlink()  # up to ~100 MB each; the size is what is kept
    return {"what": what, "rows_out": n, "seconds": wall, "peak_mb": _rss_mb(), "base_mb": base,
            "stages": stages, "out_mb": size}


def _run(what: str, path: Path, rows: int, modes: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", what, str(path), str(rows), *modes],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{what} on {path.name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(what: str, path: Path, rows: int, repeat: int) -> dict:
    samples = sorted((_run(what, path, rows, []) for _ in range(repeat)), key=lambda r: r["seconds"])
    return samples[len(samples) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is kept")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables at the end")
    ap.add_argument("--verify", action="store_true",
                    help="instead of timing, check that the streamed rows are byte for byte what xlsxwriter's "
                         "write_row writes (slow: the reference path takes ~2 min for a million rows)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        what, path, rows, *modes = args.child
        print(json.dumps(child(what, path, int(rows), modes)))
        return

    results = []
    reads: dict[int, dict] = {}
    failed = False
    for rows in args.rows:
        path = ensure_file(rows)
        started = time.perf_counter()
        _run("prepare", path, rows, args.modes)
        print(f"  prepared the sheets for {rows:,} rows in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        if args.verify:
            for mode in args.modes:
                differ = _run(f"verify-{mode}", path, rows, [])["differ"]
                _sheets_path(rows, mode).unlink(missing_ok=True)
                print(f"{rows:>9,} {mode:<7} streamed rows vs write_row: "
                      f"{'identical' if not differ else 'DIFFERENT: ' + ', '.join(differ)}", flush=True)
                failed = failed or bool(differ)
            continue
        read = reads[rows] = measure("read", path, rows, args.repeat)
        print(f"{rows:>9,} raw read {read['seconds']:6.2f} s  peak {read['peak_mb']:.0f} MB", flush=True)
        for mode in args.modes:
            write = measure(f"write-{mode}", path, rows, args.repeat)
            e2e = measure(f"e2e-{mode}", path, rows, args.repeat)
            _sheets_path(rows, mode).unlink(missing_ok=True)
            floor = read["seconds"] + write["seconds"]
            r = {"rows": rows, "mode": mode, "rows_out": e2e["rows_out"], "out_mb": e2e["out_mb"],
                 "read_s": read["seconds"], "write_s": write["seconds"], "e2e_s": e2e["seconds"],
                 "ratio": e2e["seconds"] / floor, "to_read": e2e["seconds"] / read["seconds"],
                 "read_peak": read["peak_mb"], "write_peak": write["peak_mb"], "write_base": write["base_mb"],
                 "e2e_peak": e2e["peak_mb"], "stages": e2e["stages"]}
            results.append(r)
            print(f"{rows:>9,} {mode:<7} out {r['rows_out']:>9,} rows {r['out_mb']:5.1f} MB  "
                  f"raw write {r['write_s']:6.2f} s  end to end {r['e2e_s']:6.2f} s  "
                  f"÷(read+write) {r['ratio']:.2f}  ÷read {r['to_read']:.2f}  "
                  f"peak read {r['read_peak']:.0f} / write {r['write_peak']:.0f} / e2e {r['e2e_peak']:.0f} MB  "
                  f"stages {r['stages']}", flush=True)

    if args.verify:
        raise SystemExit(1 if failed else 0)
    biggest = max(args.rows)
    default = next((r for r in results if r["rows"] == biggest and r["mode"] == "default"), None)
    if default:
        print(f"default output of {biggest:,} rows: {default['e2e_s']:.2f} s = {default['to_read']:.2f}× "
              f"the raw read ({default['read_s']:.2f} s); target ≤ 3×")
    worst = max(results, key=lambda r: r["ratio"], default=None)
    if worst:
        print(f"worst end to end ÷ (read + write): {worst['ratio']:.2f} ({worst['rows']:,} {worst['mode']}); "
              f"target ≤ 1.2")
    if args.markdown:
        print()
        print("| rows | mode | rows written | output MB | raw read s | raw write s | end to end s | "
              "÷ (read + write) | ÷ read | peak MB read / write / e2e | stages (s) |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in results:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
            print(f"| {r['rows']:,} | {r['mode']} | {r['rows_out']:,} | {r['out_mb']:.1f} | {r['read_s']:.2f} | "
                  f"{r['write_s']:.2f} | {r['e2e_s']:.2f} | {r['ratio']:.2f} | {r['to_read']:.2f} | "
                  f"{r['read_peak']:.0f} / {r['write_peak']:.0f} / {r['e2e_peak']:.0f} | {stages} |")


if __name__ == "__main__":
    main()
