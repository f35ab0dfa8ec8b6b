"""Header and sheet-name matching: which sheet is which table, which header is which canonical field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from salesrisk.schema import TABLES

_BRACKETED = re.compile(r"[(\[{【〔<《][^)\]}】〕>》]*[)\]}】〕>》]")


@lru_cache(maxsize=65536)
def normalise_header(text: object) -> str:
    """Case, width, spaces and punctuation folded away: "客户 ID", "客户ＩＤ", "Customer_ID" → "客户id"."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in s if unicodedata.category(ch)[0] in "LN")


def strip_brackets(text: object) -> str:
    """The header without bracketed notes such as units: "金额(元)" → "金额"."""
    return _BRACKETED.sub("", unicodedata.normalize("NFKC", str(text)))


def column_letter(i: int) -> str:
    """Excel's name of the 0-based column i: 0 → "A", 27 → "AB"."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass(frozen=True)
class Aliases:
    """The alias vocabulary, normalised for lookup; built from columns.yaml plus a user's extension."""

    table_names: Mapping[str, Mapping[str, str]]  # table -> {normalised alias: alias}
    fields: Mapping[str, Mapping[str, str]]  # table -> {normalised alias: field}
    tried: Mapping[str, Mapping[str, tuple[str, ...]]]  # table -> field -> aliases as written (for messages)

    def field_for(self, table: str, header: object) -> str | None:
        lookup = self.fields[table]
        key = normalise_header(header)
        if key in lookup:
            return lookup[key]
        return lookup.get(normalise_header(strip_brackets(header)))

    def any_field(self, header: object) -> bool:
        return any(self.field_for(t, header) for t in self.fields)

    def table_for_name(self, name: str) -> str | None:
        """A table whose alias equals the name, else the one whose longest alias the name contains."""
        key = normalise_header(name)
        if not key:
            return None
        for table, names in self.table_names.items():
            if key in names:
                return table
        best, best_len = None, 0
        for table, names in self.table_names.items():
            for alias in names:
                # Short Latin aliases ("ar") would match inside unrelated words; require whole-name for them.
                if len(alias) > best_len and alias in key and (len(alias) >= 4 or not alias.isascii()):
                    best, best_len = table, len(alias)
        return best


def build_aliases(layers: list[Mapping]) -> Aliases:
    """Merge alias layers (defaults first, the user's last); a later layer wins where both claim a header."""
    table_names: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    fields: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    tried: dict[str, dict[str, list[str]]] = {t: {f: [] for f in spec.fields} for t, spec in TABLES.items()}

    def claim(table: str, field: str, aliases: list[str]) -> None:
        for alias in [field, *aliases]:
            key = normalise_header(alias)
            if key:
                fields[table][key] = field
            if alias not in tried[table][field]:
                tried[table][field].append(alias)

    for layer in layers:
        # Shared aliases first, then the table's own, so that the table's own win within a layer.
        for field, aliases in (layer.get("fields") or {}).items():
            for table, spec in TABLES.items():
                if field in spec.fields:
                    claim(table, field, aliases)
        for table, entry in (layer.get("tables") or {}).items():
            for alias in [table, *(entry.get("names") or [])]:
                table_names[table][normalise_header(alias)] = alias
            for field, aliases in (entry.get("fields") or {}).items():
                claim(table, field, aliases)
    return Aliases(
        table_names=table_names,
        fields=fields,
        tried={t: {f: tuple(a) for f, a in fs.items()} for t, fs in tried.items()},
    )
