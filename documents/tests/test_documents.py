"""The shared document tools: spreadsheet reading, safe exports, charts and tagged PDFs."""

import datetime as dt
import io
import subprocess

import pytest
import tablib

from documents.charts import bar_chart
from documents.exports import export_table, neutralise
from documents.pdf import render_pdf
from documents.tabular import TableError, iter_rows, parse_date, parse_datetime, parse_duration


def rows_of(content: bytes, filename: str = "registre.csv", **kwargs):
    return list(iter_rows(io.BytesIO(content), filename, **kwargs))


def test_a_cp1252_file_with_semicolons_reads_with_its_accents_and_line_numbers():
    content = "Date de réception;Catégorie\r\n10/07/2026;État civil\r\n\r\n13/07/2026;Voirie\r\n".encode("cp1252")
    rows = rows_of(content)
    assert [row.line for row in rows] == [2, 4]
    assert rows[0].get("Catégorie") == "État civil"


def test_a_utf8_file_with_a_bom_and_commas_reads_too():
    rows = rows_of("\ufeffnom,ville\nÉlise,Sète\n".encode())
    assert rows[0].values == {"nom": "Élise", "ville": "Sète"}


def test_a_missing_column_is_named_in_french():
    with pytest.raises(TableError, match="colonne\\(s\\) manquante\\(s\\) : Date"):
        rows_of(b"Nom;Canal\nx;y\n", required=["Date"])


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_spreadsheets_read_like_csv_with_dates_as_french_text(kind):
    dataset = tablib.Dataset(headers=["Date", "Nombre"])
    dataset.append([dt.date(2026, 7, 10), 3])
    rows = rows_of(dataset.export(kind), f"registre.{kind}")
    assert rows[0].values == {"Date": "10/07/2026", "Nombre": "3"}
    assert rows[0].line == 2


def test_an_unknown_file_type_is_refused_in_french():
    with pytest.raises(TableError, match="non pris en charge"):
        rows_of(b"x", "registre.pdf")


def test_dates_times_and_durations_parse_in_the_forms_towns_write():
    assert parse_date("10/07/2026") == parse_date("2026-07-10") == dt.date(2026, 7, 10)
    assert parse_datetime("2026-03-29 02:30:00") == dt.datetime(2026, 3, 29, 2, 30)
    assert parse_datetime("29/03/2026 14:05") == dt.datetime(2026, 3, 29, 14, 5)
    assert parse_duration("75") == parse_duration("1:15") == parse_duration("00:01:15") == 75


def test_a_bad_date_says_where_it_is():
    with pytest.raises(TableError) as error:
        parse_date("31/02/2026", line=7, column="Date de réception")
    assert str(error.value).startswith("ligne 7, colonne « Date de réception » : date « 31/02/2026 » illisible")


@pytest.mark.parametrize("dangerous", ["=SOMME(A1)", "+33 1 02", "-2+3", "@cmd", "\tx", "\rx", "\nx"])
def test_exported_cells_cannot_run_as_formulas(dangerous):
    assert neutralise(dangerous) == "'" + dangerous
    exported = export_table(["Objet"], [[dangerous]], "csv").decode("utf-8-sig")
    assert "'" + dangerous in exported


def test_numbers_and_plain_text_are_exported_as_they_are():
    assert neutralise(-3) == -3
    assert neutralise("Relevé") == "Relevé"


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_exports_open_again_as_spreadsheets(kind):
    content = export_table(["Date", "Objet"], [[dt.date(2026, 7, 10), "=1+1"]], kind)
    dataset = tablib.Dataset().load(content, format=kind)
    assert list(dataset[0]) == ["10/07/2026", "'=1+1"]


def test_a_chart_is_script_free_svg_with_a_title():
    svg = bar_chart(["lundi", "mardi"], {"Appels": [12, 7]}, title="Appels par jour")
    assert svg.startswith('<svg role="img" aria-label="Appels par jour"')
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")


def test_a_pdf_is_tagged_and_its_text_can_be_read(tmp_path, settings):
    pdf = render_pdf("documents/pdf/sample.html", {"org": {"name": "Ville de Test"}})
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Document d'essai" in text and "1 234" in text and "Ville de Test" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info


def test_a_chart_carries_no_inline_style_that_the_csp_would_block():
    svg = bar_chart(["lundi"], {"Appels": [3]}, title="Appels")
    assert "style=" not in svg and "<style" not in svg
    assert 'fill="#1f4e79"' in svg
