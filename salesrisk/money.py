"""Money is integer cents everywhere; these are its two renderings, exact to the cent."""

from __future__ import annotations

import math

import pandas as pd


def _missing(cents: object) -> bool:
    return cents is None or cents is pd.NA or (isinstance(cents, float) and math.isnan(cents))


def yuan(cents: object) -> float | None:
    """Cents as a JSON number of yuan with two decimals (12345 → 123.45); missing → None."""
    return None if _missing(cents) else round(int(cents) / 100, 2)


def yuan_text(cents: object) -> str:
    """Cents as text for people (123456789 → '1,234,567.89', by integer arithmetic); missing → ''."""
    if _missing(cents):
        return ""
    c = int(cents)
    sign, c = ("-" if c < 0 else ""), abs(c)
    return f"{sign}{c // 100:,}.{c % 100:02d}"
