"""Opening ledger files safely: workbooks, CSV/TSV in any common encoding, Parquet, folders of them.

Each sheet or file becomes a RawSheet: a preview of its first rows (to find the header) and a loader for
the data below a given header row. Row numbers are the ones the user's spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from salesrisk.errors import InputError

WORKBOOK_EXTS = {".xlsx", ".xlsm", ".xls"}
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SUPPORTED_EXTS = WORKBOOK_EXTS | TEXT_EXTS | {".parquet"}
PREVIEW_ROWS = 40

# Limits against zip bombs and runaway inputs; a real 1M-row ledger is ~60 MB packed, ~400 MB unpacked.
MAX_FILE_BYTES = 2 * 1024**3
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_PACK_RATIO = 200


@dataclass
class RawSheet:
    """One sheet or file, not yet understood."""

    path: Path
    sheet: str | None  # None for a CSV/Parquet file
    preview: list[list[object]]  # first rows as cells, row i = spreadsheet row first_row + i
    first_row: int  # spreadsheet row number of preview[0]
    # (header index in preview, columns to keep as text) -> (data by column position, row number of data[0])
    load: Callable[[int, set[int]], tuple[pd.DataFrame, int]]

    @property
    def label(self) -> str:
        """Short name for reports: file › sheet."""
        return f"{self.path.name} › {self.sheet}" if self.sheet is not None else self.path.name

    @property
    def where(self) -> str:
        """Full name for error messages: path › sheet."""
        return f"{self.path} › {self.sheet}" if self.sheet is not None else str(self.path)


def list_files(path: Path) -> list[Path]:
    """The ledger files of a folder (not recursive), or the one file given."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in SUPPORTED_EXTS and not p.name.startswith(("~$", ".", "~"))
        )
        if not files:
            raise InputError(
                f"{path}: the folder holds no ledger files ({', '.join(sorted(SUPPORTED_EXTS))})"
            )
        return files
    if path.suffix.lower() not in SUPPORTED_EXTS:
        raise InputError(
            f"{path}: unsupported file type '{path.suffix or '(none)'}'; "
            f"use one of {', '.join(sorted(SUPPORTED_EXTS))} or a folder of them"
        )
    return [path]


def open_sheets(path: Path) -> list[RawSheet]:
    """The sheets of one file, after the safety checks; raises InputError with one clear sentence."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: the file is {size / 1024**3:.1f} GB, over the {MAX_FILE_BYTES // 1024**3} GB limit")
    ext = path.suffix.lower()
    try:
        if ext in WORKBOOK_EXTS:
            return _workbook_sheets(path, ext)
        if ext == ".parquet":
            return [_parquet_sheet(path)]
        return [_text_sheet(path)]
    except OSError as exc:  # locked by another program, permissions, a vanished network share
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


# --- workbooks -------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_workbook_container(path: Path, ext: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        if ext == ".xls":
            return
        # Excel stores a password-protected .xlsx as an OLE container holding the encrypted package.
        raise InputError(f"{path}: the workbook is password-protected; save an unprotected copy and try again")
    if not head.startswith(b"PK"):
        if ext == ".xls":
            raise InputError(f"{path}: not an Excel .xls workbook (the file is damaged or of another kind)")
        raise InputError(f"{path}: not an Excel workbook (the file is damaged or of another kind)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise InputError(f"{path}: a zip archive, but not an Excel workbook (no xl/workbook.xml)")
            if "xl/workbook.bin" in names:
                raise InputError(f"{path}: a binary .xlsb workbook; save it as .xlsx and try again")
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if unpacked > MAX_UNPACKED_BYTES or (unpacked > 100 * 1024**2 and unpacked / packed > MAX_PACK_RATIO):
                raise InputError(
                    f"{path}: unpacks to {unpacked / 1024**3:.1f} GB ({unpacked / packed:.0f}× its size); "
                    "refusing it as a possible zip bomb"
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as member:
                        start = member.read(4096)
                    # Excel never writes DTDs; entity declarations are how XML bombs expand.
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        raise InputError(
                            f"{path}: {info.filename} declares XML entities, which Excel never writes; "
                            "refusing it as a possible XML bomb"
                        )
    except zipfile.BadZipFile:
        raise InputError(f"{path}: the workbook is damaged or truncated (not a readable zip archive)") from None
    except (OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(f"{path}: the workbook is damaged or truncated ({exc})") from None


def _workbook_sheets(path: Path, ext: str) -> list[RawSheet]:
    import fastexcel

    _check_workbook_container(path, ext)
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # fastexcel raises its own hierarchy; any failure here is a bad workbook
        raise InputError(f"{path}: the workbook cannot be read ({_short(exc)})") from None

    # fastexcel parses a whole sheet even for a few rows, so the first rows of an .xlsx are read straight
    # from its XML: the sheet is then parsed once, not twice.
    quick = _xlsx_previews(path) if ext != ".xls" else {}
    sheets = []
    for name in names:
        preview = quick.get(name)
        if preview is None:
            try:
                preview_sheet = reader.load_sheet(name, header_row=None, skip_rows=0, n_rows=PREVIEW_ROWS)
                frame = preview_sheet.to_pandas()
            except Exception as exc:
                raise InputError(f"{path} › {name}: the sheet cannot be read ({_short(exc)})") from None
            preview = _by_absolute_column(_frame_rows(frame), [c.absolute_index for c in preview_sheet.selected_columns])
        sheets.append(RawSheet(path, name, preview, 1, _workbook_loader(reader, path, name)))
    return sheets


def _by_absolute_column(rows: list[list[object]], offsets: list[int]) -> list[list[object]]:
    width = max(offsets, default=-1) + 1
    out = []
    for row in rows:
        cells = [None] * width
        for offset, value in zip(offsets, row, strict=True):
            cells[offset] = value
        out.append(cells)
    return out


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_previews(path: Path) -> dict[str, list[list[object]]]:
    """The first rows of every sheet, by sheet name, read from the XML; {} if the layout is unexpected."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            rels = {
                el.get("Id"): el.get("Target", "")
                for _, el in ElementTree.iterparse(zf.open("xl/_rels/workbook.xml.rels"))
                if _local(el.tag) == "Relationship"
            }
            sheets = [
                (el.get("name"), next((v for k, v in el.attrib.items() if _local(k) == "id"), None))
                for _, el in ElementTree.iterparse(zf.open("xl/workbook.xml"))
                if _local(el.tag) == "sheet"
            ]
            sst_name = next((_part(t) for t in rels.values() if t.endswith("sharedStrings.xml")), None)
            raw = {}
            for name, rid in sheets:
                part = _part(rels.get(rid, ""))
                if part not in names:
                    return {}
                raw[name] = _sheet_head(zf, part)
            needed = max((i for rows in raw.values() for row in rows for i in row if isinstance(i, _Shared)),
                         default=-1)
            strings = _shared_strings(zf, sst_name, needed) if needed >= 0 and sst_name in names else []
            return {name: [[strings[v] if isinstance(v, _Shared) else v for v in row] for row in rows]
                    for name, rows in raw.items()}
    except (KeyError, ValueError, IndexError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return {}


class _Shared(int):
    """A shared-string index, resolved once the strings it needs are read."""


def _part(target: str) -> str:
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _sheet_head(zf: zipfile.ZipFile, part: str) -> list[list[object]]:
    rows: list[list[object]] = []
    row_number = 0
    with zf.open(part) as fh:
        for _, el in ElementTree.iterparse(fh):
            tag = _local(el.tag)
            if tag != "row":
                continue
            row_number = int(el.get("r") or row_number + 1)
            if row_number > PREVIEW_ROWS:
                break
            while len(rows) < row_number - 1:
                rows.append([])
            cells: list[object] = []
            for c in el:
                if _local(c.tag) != "c":
                    continue
                ref = _CELL_REF.match(c.get("r", ""))
                col = _column_index(ref.group(1)) if ref else len(cells)
                cells.extend([None] * (col + 1 - len(cells)))
                cells[col] = _cell_value(c)
            rows.append(cells)
            el.clear()
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


def _cell_value(c) -> object:
    kind = c.get("t", "n")
    v = next((x.text for x in c if _local(x.tag) == "v"), None)
    if kind == "inlineStr":
        text = "".join(t.text or "" for t in c.iter() if _local(t.tag) == "t")
        return text if text.strip() else None
    if v is None:
        return None
    if kind == "s":
        return _Shared(int(v))
    if kind == "n":
        return float(v)
    if kind == "b":
        return v == "1"
    return v if v.strip() else None


def _shared_strings(zf: zipfile.ZipFile, part: str, needed: int) -> list[str | None]:
    strings: list[str | None] = []
    with zf.open(part) as fh:
        for _, el in ElementTree.iterparse(fh):
            if _local(el.tag) != "si":
                continue
            # Phonetic runs (rPh) are reading aids, not part of the text.
            text = "".join(t.text or "" for r in el if _local(r.tag) != "rPh" for t in r.iter() if _local(t.tag) == "t")
            strings.append(text if text.strip() else None)
            el.clear()
            if len(strings) > needed:
                break
    return strings


def _workbook_loader(reader, path: Path, name: str):
    def load(header_index: int, text_columns: set[int]) -> tuple[pd.DataFrame, int]:
        try:
            # All rows inform the types: with a sample, a text cell below it would be coerced to null.
            sheet = reader.load_sheet(name, header_row=header_index, schema_sample_rows=None)
            offsets = [c.absolute_index for c in sheet.selected_columns]
            frame = sheet.to_pandas()
        except Exception as exc:
            raise InputError(f"{path} › {name}: the sheet cannot be read ({_short(exc)})") from None
        # Columns by their position in the sheet, as in the preview; header texts are ours, not fastexcel's.
        frame.columns = offsets
        return frame, header_index + 2

    return load


def _frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[None if _blank(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()) or v is pd.NaT


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


# --- CSV / TSV -------------------------------------------------------------------------------------

def _arrow_to_pandas():
    import pyarrow as pa

    arrow_text = pd.StringDtype("pyarrow")
    return {pa.string(): arrow_text, pa.large_string(): arrow_text}


_ARROW_TO_PANDAS = _arrow_to_pandas()

def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK), judged on the first
    megabyte; the full read checks the rest (and falls back from UTF-8 to GB18030 if it must)."""
    with path.open("rb") as fh:
        head = fh.read(sample_bytes)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            # Not final: the sample may end inside a multi-byte character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < sample_bytes)
            return encoding
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: the text encoding is neither UTF-8 nor GBK/GB18030; save it as UTF-8 CSV")


def _sniff_delimiter(sample: str, ext: str) -> str:
    if ext == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",\t;|"}
        return max(counts, key=counts.get)


def _read_csv_arrow(path: Path, encoding: str, sep: str, header_index: int, width: int, text_columns: set[int]):
    """Arrow's multi-threaded reader: numbers and ISO dates typed by it, ids and text kept as text so that
    leading zeros survive; blank lines kept as empty rows so that row numbers stay true."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(i) for i in range(width)]
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=header_index + 1, column_names=names,
                                       encoding="utf8" if encoding.startswith("utf-8") else encoding),
        parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={names[i]: pa.string() for i in text_columns if i < width},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True),
    )


def _text_sheet(path: Path) -> RawSheet:
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as fh:
        sample = fh.read(64 * 1024)
    if not sample.strip():
        raise InputError(f"{path}: the file holds no data")
    sep = _sniff_delimiter(sample, path.suffix.lower())
    lines = sample.splitlines()[:PREVIEW_ROWS]
    if len(sample) == 64 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    preview = [[None if not c.strip() else c for c in row] for row in csv.reader(lines, delimiter=sep)]

    def load(header_index: int, text_columns: set[int]) -> tuple[pd.DataFrame, int]:
        import pyarrow as pa

        width = len(preview[header_index])
        try:
            table = _read_csv_arrow(path, encoding, sep, header_index, width, text_columns)
        except pa.ArrowInvalid as exc:
            if encoding.startswith("utf-8") and "UTF8" in str(exc):
                # Valid UTF-8 at the top, not further down: the file is GBK after all.
                try:
                    table = _read_csv_arrow(path, "gb18030", sep, header_index, width, text_columns)
                except (pa.ArrowInvalid, UnicodeDecodeError):
                    raise InputError(f"{path}: the text encoding is neither UTF-8 nor GBK/GB18030 throughout; "
                                     "save it as UTF-8 CSV") from None
            else:
                raise InputError(f"{path}: the CSV is malformed ({_short(exc)})") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: the text encoding changes within the file; save it as UTF-8 CSV") from None
        frame = table.to_pandas(types_mapper=_ARROW_TO_PANDAS.get, date_as_object=False)
        frame.columns = range(width)
        return frame, header_index + 2

    return RawSheet(path, None, preview, 1, load)


# --- Parquet ---------------------------------------------------------------------------------------

def _parquet_sheet(path: Path) -> RawSheet:
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    except Exception as exc:
        raise InputError(f"{path}: not a readable Parquet file ({_short(exc)})") from None
    frame = table.to_pandas()
    preview = [list(frame.columns)] + _frame_rows(frame.head(PREVIEW_ROWS - 1))

    def load(header_index: int, text_columns: set[int]) -> tuple[pd.DataFrame, int]:
        data = frame.copy(deep=False)
        data.columns = range(data.shape[1])
        return data, 2

    return RawSheet(path, None, preview, 1, load)

