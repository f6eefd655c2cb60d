"""Cells of CSV and XLSX exports: text that a spreadsheet would run as a formula becomes plain text."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from openpyxl import Workbook, load_workbook

from hagen_zuhause.spreadsheets import append_row, csv_lines, csv_writer, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.example","y")',
        "@SUM(1+1)",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "\t=1+1",
        "\r=1+1",
        "\uff1d1+1",
    ],
)
def test_text_starting_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Ivanov", "HA-2026-00042", "", "1+1", "a=b", "'=1"])
def test_other_text_is_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, 0, 3.5, -0.25, Decimal("-12.50"), date(2026, 1, 31), None, True])
def test_numbers_dates_and_empty_cells_stay_what_they_are(value):
    assert neutralise(value) is value


def test_translated_labels_are_checked_as_the_text_they_become():
    label = lazy(lambda: "-2+3", str)()  # as gettext_lazy gives it
    assert neutralise(label) == "'-2+3"


def test_csv_writer_and_streamed_lines():
    buffer = io.StringIO()
    csv_writer(buffer).writerow(["=1+1", -3, "Hagen"])
    assert buffer.getvalue() == "'=1+1;-3;Hagen\r\n"
    lines = list(csv_lines([["Name", "Jahr"], ["@SUM(1+1)", 1961]]))
    assert lines[0] == "\ufeff"
    assert list(csv.reader(io.StringIO("".join(lines[1:])), delimiter=";")) == [
        ["Name", "Jahr"],
        ["'@SUM(1+1)", "1961"],
    ]


def test_xlsx_rows_hold_text_not_formulas_and_numbers_stay_numbers():
    workbook = Workbook()
    append_row(workbook.active, ['=HYPERLINK("http://x.example","y")', -2, date(2026, 1, 31)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    text, number, day = load_workbook(buffer).active[1]
    assert (text.data_type, text.value) == ("s", '\'=HYPERLINK("http://x.example","y")')
    assert (number.data_type, number.value) == ("n", -2)
    assert day.is_date
