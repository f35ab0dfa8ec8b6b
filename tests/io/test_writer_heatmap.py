import openpyxl
import pandas as pd

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
