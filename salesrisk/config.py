"""Configuration: the YAML files in configs/ (shipped in the package) or a user's copy, validated on load."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import yaml

from salesrisk.errors import ConfigError
from salesrisk.io.columns import Aliases, build_aliases
from salesrisk.schema import TABLES


def _read_yaml(text: str, where: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{where}{at}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_config_file(name: str, config_dir: str | Path | None = None) -> tuple[object, str]:
    """The parsed YAML of configs/NAME, from config_dir when it has the file, else the packaged default."""
    if config_dir is not None:
        path = Path(config_dir) / name
        if path.is_file():
            return _read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)
    text = resources.files("salesrisk.configs").joinpath(name).read_text(encoding="utf-8")
    return _read_yaml(text, f"configs/{name}"), f"configs/{name}"


def _check_alias_list(value: object, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(a, (str, int)) for a in value):
        raise ConfigError(f"{where}: expected a list of header names, got {type(value).__name__}")


def _check_columns(doc: object, where: str) -> Mapping:
    """Validate the shape of a columns file; every error names the place in the file."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping with 'fields:' and/or 'tables:'")
    unknown = set(doc) - {"fields", "tables"}
    if unknown:
        raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}' (expected 'fields' or 'tables')")
    all_fields = {f for spec in TABLES.values() for f in spec.fields}
    for field, aliases in (doc.get("fields") or {}).items():
        if field not in all_fields:
            raise ConfigError(f"{where}: fields.{field}: not a field of any table")
        _check_alias_list(aliases, f"{where}: fields.{field}")
    for table, entry in (doc.get("tables") or {}).items():
        if table not in TABLES:
            raise ConfigError(f"{where}: tables.{table}: unknown table (tables are: {', '.join(TABLES)})")
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: tables.{table}: expected a mapping with 'names:' and/or 'fields:'")
        if "names" in entry:
            _check_alias_list(entry["names"], f"{where}: tables.{table}.names")
        for field, aliases in (entry.get("fields") or {}).items():
            if field not in TABLES[table].fields:
                raise ConfigError(
                    f"{where}: tables.{table}.fields.{field}: not a field of {table} "
                    f"(its fields are: {', '.join(TABLES[table].fields)})"
                )
            _check_alias_list(aliases, f"{where}: tables.{table}.fields.{field}")
    return doc


def load_aliases(config_dir: str | Path | None = None, extra: str | Path | None = None) -> Aliases:
    """columns.yaml (packaged or from config_dir), extended by the user's --columns file, which wins."""
    doc, where = load_config_file("columns.yaml", config_dir)
    layers = [_check_columns(doc, where)]
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise ConfigError(f"{path}: no such columns file")
        layers.append(_check_columns(_read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)))
    return build_aliases(layers)
