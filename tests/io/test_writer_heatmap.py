import openpyxl
import pandas as pd
import pytest

from salesrisk.io.writer import Sheet, write_workbook


def test_cell_fills_colour_every_data_cell_with_that_text(tmp_path):
    frame = pd.DataFrame({"a": ['say "no"', "ok"], "b": ["ok", None]})
    path = write_workbook(tmp_path / "h.xlsx", [Sheet("h", frame, cell_fills={'say "no"': "#F8CBAD", "ok": "#E2EFDA"})])
    ws = openpyxl.load_workbook(path)["h"]
    rules = [(str(rng.sqref), r.type, r.operator, r.formula[0], r.dxf.fill.bgColor.rgb)
             for rng in ws.conditional_formatting for r in rng.rules]
    assert rules == [("A2:B3", "cellIs", "equal", '"say ""no"""', "FFF8CBAD"),
                     ("A2:B3", "cellIs", "equal", '"ok"', "FFE2EFDA")]


def test_no_rules_on_an_empty_sheet(tmp_path):
    path = write_workbook(tmp_path / "h.xlsx", [Sheet("h", pd.DataFrame({"a": []}), cell_fills={"x": "#FFFFFF"})])
    assert not list(openpyxl.load_workbook(path)["h"].conditional_formatting)


def test_write_text_is_atomic_and_refuses_to_overwrite(tmp_path):
    from salesrisk.errors import InputError
    from salesrisk.io.writer import write_text

    target = tmp_path / "out" / "c.ics"
    write_text(target, "A\r\nB\r\n")
    assert target.read_bytes() == b"A\r\nB\r\n"  # line endings kept as given, UTF-8
    with pytest.raises(InputError, match="--force"):
        write_text(target, "C")
    write_text(target, "中\r\n", force=True)
    assert target.read_bytes() == "中\r\n".encode()
    assert [p.name for p in target.parent.iterdir()] == ["c.ics"]  # no temporary file left behind
