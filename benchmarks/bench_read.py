"""Benchmark: read_ledger against the raw read of the same file, in the same run.

    .venv/bin/python benchmarks/bench_read.py                 # 100k and 1M rows; xlsx, CSV UTF-8, CSV GBK
    .venv/bin/python benchmarks/bench_read.py --rows 100000 --formats xlsx

Each measurement runs in a fresh subprocess so that its peak memory is its own. The raw floor is
fastexcel → pandas for xlsx and the pandas C reader for CSV, on the same file. Prints rows/s, stage times,
peak RSS (and its growth over the process after imports) and the ratios to the floor; --markdown prints
the table for benchmarks/README.md. Generated files are cached in benchmarks/out/.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
FORMATS = {"xlsx": (".xlsx", "utf-8"), "csv-utf8": (".csv", "utf-8"), "csv-gbk": (".csv", "gbk")}
XLSX_HEADER_ROW = 3  # the generator writes two title rows and a blank row above the header


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_data" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_file(rows: int, fmt: str) -> Path:
    suffix, encoding = FORMATS[fmt]
    path = OUT / f"receivables_{rows}_{fmt}{suffix}"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        tmp = path.with_name(path.stem + ".tmp" + suffix)
        _generator().write_receivables(rows, tmp, encoding=encoding)
        tmp.rename(path)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, path: str, fmt: str) -> dict:
    """One measurement, run inside the subprocess."""
    import fastexcel  # noqa: F401  (imports before the baseline, as in the library)
    import pandas as pd

    import salesrisk  # noqa: F401

    base = _rss_mb()
    started = time.perf_counter()
    stages: dict[str, float] = {}
    if mode == "raw":
        if fmt == "xlsx":
            import fastexcel

            frame = fastexcel.read_excel(path).load_sheet(0, header_row=XLSX_HEADER_ROW).to_pandas()
        else:
            frame = pd.read_csv(path, encoding=FORMATS[fmt][1])
        rows = len(frame)
    else:
        from salesrisk import read_ledger

        ledger = read_ledger(path)
        rows = len(ledger["receivables"])
        stages = {k: round(v, 3) for k, v in ledger.timings.items()}
    wall = time.perf_counter() - started
    return {"mode": mode, "rows": rows, "seconds": wall, "peak_mb": _rss_mb(), "base_mb": base, "stages": stages}


def measure(mode: str, path: Path, fmt: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), fmt], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--formats", nargs="+", choices=list(FORMATS), default=list(FORMATS))
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is kept")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return

    results = []
    for rows in args.rows:
        for fmt in args.formats:
            path = ensure_file(rows, fmt)
            runs = {}
            for mode in ("raw", "read_ledger"):
                samples = sorted((measure(mode, path, fmt) for _ in range(args.repeat)), key=lambda r: r["seconds"])
                runs[mode] = samples[len(samples) // 2]
            raw, ours = runs["raw"], runs["read_ledger"]
            grow_raw = max(raw["peak_mb"] - raw["base_mb"], 1)
            grow_ours = ours["peak_mb"] - ours["base_mb"]
            result = {
                "rows": rows, "format": fmt, "file_mb": path.stat().st_size / 1024**2,
                "raw_s": raw["seconds"], "ours_s": ours["seconds"], "time_ratio": ours["seconds"] / raw["seconds"],
                "rows_per_s": ours["rows"] / ours["seconds"], "raw_peak_mb": raw["peak_mb"],
                "ours_peak_mb": ours["peak_mb"], "peak_ratio": ours["peak_mb"] / raw["peak_mb"],
                "growth_ratio": grow_ours / grow_raw, "stages": ours["stages"], "rows_read": ours["rows"],
            }
            results.append(result)
            print(f"{rows:>9,} {fmt:<8} raw {raw['seconds']:6.2f} s  read_ledger {ours['seconds']:6.2f} s  "
                  f"×{result['time_ratio']:.2f}  {result['rows_per_s']:,.0f} rows/s  "
                  f"peak {raw['peak_mb']:.0f} → {ours['peak_mb']:.0f} MB (×{result['peak_ratio']:.2f}; "
                  f"growth ×{result['growth_ratio']:.2f})  stages {ours['stages']}", flush=True)
    if args.markdown:
        print()
        print("| rows | format | file MB | raw read s | read_ledger s | ratio | rows/s | raw peak MB | "
              "read_ledger peak MB | peak ratio | stages (s) |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in results:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
            print(f"| {r['rows']:,} | {r['format']} | {r['file_mb']:.0f} | {r['raw_s']:.2f} | {r['ours_s']:.2f} | "
                  f"{r['time_ratio']:.2f} | {r['rows_per_s']:,.0f} | {r['raw_peak_mb']:.0f} | "
                  f"{r['ours_peak_mb']:.0f} | {r['peak_ratio']:.2f} | {stages} |")


if __name__ == "__main__":
    main()
