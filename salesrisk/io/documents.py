"""Text from contract documents: .txt/.md in any common encoding, .docx, and .pdf with a text layer."""

from __future__ import annotations

import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from salesrisk.errors import InputError
from salesrisk.findings import Finding
from salesrisk.io.sources import _OLE_MAGIC, MAX_PACK_RATIO, detect_encoding

DOCUMENT_EXTS = (".docx", ".md", ".pdf", ".txt")
MAX_DOCUMENT_BYTES = 200 * 1024**2  # a long contract with scanned exhibits is tens of MB
MAX_XML_BYTES = 200 * 1024**2  # word/document.xml of a 500-page contract is a few MB

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Formats a word processor saves as one we read, in one step.
_SAVE_AS = {".doc": ".docx", ".wps": ".docx", ".rtf": ".docx", ".odt": ".docx", ".pages": ".docx or .pdf"}

# pypdf logs recoverable oddities of real PDFs as warnings; they are not the user's concern.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Document:
    """The text of a contract document, and the PDF pages (1-based) that are images only."""

    path: Path
    text: str
    scanned_pages: tuple[int, ...] = ()

    def findings(self, entity: str, table: str | None = None, row: int | None = None,
                 column: str | None = None) -> list[Finding]:
        """Scanned pages inside a PDF with text: their clauses go unreviewed, so they are reported."""
        if not self.scanned_pages:
            return []
        return [Finding("document-pages-no-text", table=table, row=row, column=column, entity=entity,
                        value=str(self.path), evidence={"pages": list(self.scanned_pages)})]


class DocumentError(InputError):
    """A document that yields no text: the finding code and the reason in both languages."""

    def __init__(self, path: Path, code: str, reason: str = "", reason_zh: str = ""):
        self.path, self.code, self.reason, self.reason_zh = path, code, reason, reason_zh
        super().__init__(f"{path}: {reason}" if reason else f"{path}: no text layer (a scanned PDF)")

    def finding(self, entity: str, table: str | None = None, row: int | None = None,
                column: str | None = None) -> Finding:
        """The problem as a finding about `entity`, so that a batch reports it and goes on."""
        return Finding(self.code, table=table, row=row, column=column, entity=entity, value=str(self.path),
                       evidence={"source": str(self.path), "reason": self.reason, "reason_zh": self.reason_zh})


def _fail(path: Path, reason: str, reason_zh: str) -> DocumentError:
    return DocumentError(path, "document-unreadable", reason, reason_zh)


def list_documents(folder: Path) -> list[Path]:
    """The files of a folder, not recursive, sorted by name; hidden files and Office lock files (~$) left out."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~")))


def is_readme(path: Path) -> bool:
    """A folder's README describes the folder; it is not a contract."""
    return path.stem.lower() == "readme"


def read_document(path: str | Path) -> Document:
    """The text of one contract document, lines joined by newlines; raises DocumentError when there is none."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in _SAVE_AS:
        raise DocumentError(path, "document-unsupported", f"a {ext} file; save it as {_SAVE_AS[ext]} and run again",
                            f"{ext} 文件；请另存为 {_SAVE_AS[ext]} 后再运行")
    if ext not in DOCUMENT_EXTS:
        raise DocumentError(path, "document-unsupported",
                            f"'{ext or '(no extension)'}' is not a contract document type ({', '.join(DOCUMENT_EXTS)})",
                            f"“{ext or '（无扩展名）'}”不是合同文件类型（{'、'.join(DOCUMENT_EXTS)}）")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})", f"无法读取（{exc.strerror}）") from None
    if size == 0:
        raise _fail(path, "the file is empty", "文件为空")
    if size > MAX_DOCUMENT_BYTES:
        raise _fail(path, f"the file is {size / 1024**2:.0f} MB, over the {MAX_DOCUMENT_BYTES // 1024**2} MB limit",
                    f"文件 {size / 1024**2:.0f} MB，超过 {MAX_DOCUMENT_BYTES // 1024**2} MB 上限")
    scanned: tuple[int, ...] = ()
    try:
        if ext == ".pdf":
            text, scanned = _pdf_text(path)
        else:
            text = _docx_text(path) if ext == ".docx" else _plain_text(path)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})", f"无法读取（{exc.strerror or exc}）") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        if ext == ".pdf":
            raise DocumentError(path, "document-no-text")
        raise _fail(path, "the document holds no text", "文件没有文字")
    return Document(path, text, scanned)


def _plain_text(path: Path) -> str:
    try:
        encoding = detect_encoding(path)
        return path.read_bytes().decode(encoding)
    except (InputError, UnicodeDecodeError):
        raise _fail(path, "the text encoding is neither UTF-8, UTF-16 nor GBK/GB18030",
                    "文字编码不是 UTF-8、UTF-16 或 GBK/GB18030") from None


def _docx_text(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        # Word stores a password-protected .docx (and an old .doc renamed) as an OLE container.
        raise _fail(path, "the document is password-protected or an old .doc; save an unprotected .docx",
                    "文件有密码保护或是旧版 .doc；请另存为无密码的 .docx")
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo("word/document.xml")
            except KeyError:
                raise _fail(path, "a zip archive, but not a Word document (no word/document.xml)",
                            "是 zip 压缩包，但不是 Word 文档（没有 word/document.xml）") from None
            if info.file_size > MAX_XML_BYTES or info.file_size / max(1, info.compress_size) > MAX_PACK_RATIO:
                raise _fail(path, f"word/document.xml unpacks to {info.file_size / 1024**2:.0f} MB "
                            f"({info.file_size / max(1, info.compress_size):.0f}× packed); refused as a possible "
                            "zip bomb", "word/document.xml 解压后过大，疑似压缩炸弹，已拒绝")
            xml = zf.read(info)
    except zipfile.BadZipFile:
        raise _fail(path, "the document is damaged or not a .docx (not a readable zip archive)",
                    "文件已损坏或不是 .docx（无法作为 zip 读取）") from None
    except (EOFError, zipfile.LargeZipFile) as exc:
        raise _fail(path, f"the document is damaged ({exc})", f"文件已损坏（{exc}）") from None
    # Word never writes a DTD; entity declarations are how XML bombs expand.
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:4096]:
        raise _fail(path, "word/document.xml declares XML entities, which Word never writes; refused as a possible "
                    "XML bomb", "word/document.xml 声明了 XML 实体（Word 从不如此），疑似 XML 炸弹，已拒绝")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise _fail(path, f"word/document.xml is damaged ({exc})", f"word/document.xml 已损坏（{exc}）") from None
    body = root.find(f"{_W}body")
    return "\n".join(_block_lines(body)) if body is not None else ""


def _block_lines(element: ElementTree.Element) -> list[str]:
    """Paragraphs as lines and table rows as lines of tab-separated cells, in document order."""
    lines: list[str] = []
    for child in element:
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [" ".join(line for line in _block_lines(tc) if line) for tc in row.findall(f"{_W}tc")]
                lines.append("\t".join(cells))
        else:  # content controls, custom XML, tracked insertions: their paragraphs count as the body's
            lines.extend(_block_lines(child))
    return lines


def _paragraph_text(p: ElementTree.Element) -> str:
    parts = []
    for el in p.iter():
        if el.tag == f"{_W}t":  # deleted text is w:delText, so tracked deletions stay out
            parts.append(el.text or "")
        elif el.tag == f"{_W}tab":
            parts.append("\t")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _pdf_text(path: Path) -> tuple[str, tuple[int, ...]]:
    """The text of every page, and the pages that hold images but no text (scanned)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # an owner password alone still lets anyone read the text
            except PyPdfError:
                opened = False
            if not opened:
                raise _fail(path, "the PDF is password-protected; save an unprotected copy",
                            "PDF 有密码保护；请另存为无密码的副本")
        pages = [unwrap_lines(page.extract_text() or "") for page in reader.pages]
        scanned = tuple(i for i, (page, text) in enumerate(zip(reader.pages, pages, strict=True), 1)
                        if not text.strip() and page.images)
        return "\n".join(pages), scanned
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, NotImplementedError) as exc:
        # pypdf signals damage with its own errors and, on odd files, with plain ones.
        raise _fail(path, f"the PDF is damaged or cannot be parsed ({type(exc).__name__})",
                    f"PDF 已损坏或无法解析（{type(exc).__name__}）") from None


_SENTENCE_END = tuple("。；;：:！？!?.")


def unwrap_lines(page: str) -> str:
    """Join the lines a PDF broke at the right margin (a full-width line not ending a sentence), so that a
    word split over two lines (申/请仲裁) reads whole again; Latin text is joined with a space."""
    lines = page.split("\n")
    width = max((_width(line.rstrip()) for line in lines), default=0)
    out: list[str] = []
    joined = False
    for line in lines:
        if joined:
            prev = out.pop()
            latin = prev[-1:].isascii() and line[:1].isascii()
            out.append(prev + (" " if latin else "") + line.strip())
        else:
            out.append(line.rstrip())
        tail = out[-1].rstrip()
        joined = bool(tail) and _width(tail) >= 0.8 * width and not tail.endswith(_SENTENCE_END)
    return "\n".join(out)


def _width(line: str) -> int:
    """Printed width: a Chinese character takes two columns, so CJK and Latin lines compare fairly."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
