"""A large import's shortcuts give what the row-by-row rules give (issue 16's bulk load).

The importer reads each distinct cell of a file once, the write service checks the usual row by
one shared test and copies rows without the dataclass's __init__, PostgreSQL gets its rows as
COPY text with each distinct text escaped once, and the cycle collector is paused meanwhile.
Each test here compares a shortcut with the plain rule it stands in for, so that a change to
either shows. Runs on PostgreSQL (the COPY path) and on SQLite (the ORM path).
"""

import dataclasses
import datetime
import gc
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from common.collector import collector_paused
from indicators import importers, validation
from indicators.importers import Lookups, row_to_input
from indicators.importers.values import RowReader
from indicators.models import Indicator, IndicatorValue
from indicators.services import ValueInput, upsert, value_input_from, values_upsert, values_validate
from indicators.services.upsert import INLINE_ROWS, _copy_text, _stage_lines
from tests.members.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def energy():
    return Indicator.objects.get(revision__code="2023", code="GN.7")


@pytest.fixture
def tonnage():
    return Indicator.objects.get(revision__code="2023", code="GN.1a")


def _as_written(value: ValueInput | None):
    """A row's fields with each number as written (Decimal("80") and Decimal("80.0") differ)."""
    if value is None:
        return None
    return {
        name: str(field) if isinstance(field, Decimal) else field
        for name, field in dataclasses.asdict(value).items()
        if name != "indicator"
    } | {"indicator": value.indicator.pk}


def _one_by_one(read):
    lookups = Lookups()
    return [_row_answer(row_to_input(row, lookups, indicator=read.indicator)) for row in read.rows]


def _row_answer(answer):
    value, problems, skip = answer
    return _as_written(value), problems, skip


def test_reading_each_distinct_cell_once_gives_every_row_its_own_answer(energy):
    MunicipalityFactory(code="0665", name="Vaggeryd")
    # Repeated good and bad cells: an unknown code, a group, a bad year, a bad number, a
    # numerator without a denominator, an empty value, a status nobody knows.
    lines = ["kommunkod;kommun;nyckeltal;år;värde;status;källa;täljare;nämnare;kommentar"]
    for _ in range(2):
        lines += [
            "0665;;GN.7;2021;80,5;;Egen;;;",
            "0665;;GN.7;2022;80,5;prel;Egen;;;bra",
            "9999;;GN.7;2021;80,5;;;;;",
            ";Riket;GN.7;2021;80,5;;;;;",
            "0665;;GN.7;20x1;80,5;;;;;",
            "0665;;GN.7;2021;åtta;;;;;",
            "0665;;GN.7;2021;;;;3;;",
            "0665;;GN.7;2020;;;;;;",
            "0665;;GN.7;2019;140,25;kanske;;;;",
            "0665;;GN.99;2019;140;;;;;",
            "Vaggeryd;;GN.7;2018;140,55;;'=Egen;;;",
        ]
    read = importers.read_file("\n".join(lines).encode(), fmt="csv")
    reader = RowReader(Lookups(), indicator=None, round_values=False)
    answers = [_row_answer(reader.read(row)) for row in read.rows]
    assert answers == _one_by_one(read)
    # The file holds rows of every kind, each twice: read, refused and skipped ones.
    assert sum(value is not None for value, _problems, _skip in answers) == 8
    assert sum(bool(problems) for _value, problems, _skip in answers) == 10
    assert sum(skip is not None for _value, _problems, skip in answers) == 4
    assert (
        max(len(problems) for _value, problems, _skip in answers) == 3
    )  # status, bounds, decimals


def test_cells_equal_as_keys_but_written_differently_are_read_each_as_written(energy):
    """JSON (Kolada) gives 80 and 80.0, 2021 and 2021.0: equal as keys, not the same cell."""
    MunicipalityFactory(code="0665")
    cells = [
        ("0665", 2021, 80),
        ("0665", 2022.0, 80.0),
        ("0665", 2023, Decimal("80.00")),
        (665, 2020, True),
        (665.0, 2019, 1),
        ("0665", 2018, "80,0"),
        ("0665", 2017, " 80,0 "),
    ]
    read = importers.ReadResult(
        rows=[
            importers.SourceRow(
                line=line,
                values={
                    "organisation_code": code,
                    "indicator": "GN.7",
                    "year": year,
                    "value": value,
                },
            )
            for line, (code, year, value) in enumerate(cells, 1)
        ]
    )
    reader = RowReader(Lookups(), indicator=None, round_values=False)
    answers = [_row_answer(reader.read(row)) for row in read.rows]
    assert answers == _one_by_one(read)
    assert [answer[0]["value"] for answer in answers] == [
        "80", "80.0", "80.00", "1", "1", "80.0", "80.0"
    ]  # fmt: skip


def test_a_row_built_from_its_fields_is_the_dataclass(energy):
    fields = {
        "organisation_id": 7,
        "indicator": energy,
        "year": 2022,
        "value": Decimal("1.5"),
        "status": "preliminary",
        "source_note": "Kolada",
        "comment": None,
        "numerator": Decimal("3"),
        "denominator": Decimal("2"),
        "source_kpi": "N00001",
        "fetched_on": datetime.date(2026, 12, 1),
    }
    assert set(fields) == {field.name for field in dataclasses.fields(ValueInput)}
    row = value_input_from(fields)
    assert row == ValueInput(**fields)
    assert hash(row) == hash(ValueInput(**fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.year = 2023


def test_the_usual_rows_shortcut_gives_what_the_rule_book_gives(energy, tonnage):
    organisation = MunicipalityFactory()
    this_year = datetime.date.today().year
    numbers = ["-1", "-0", "0", "0.05", "0.10", "1E+1", "99.9", "100", "100.0", "100.01", "140"]
    years = [1989, 1990, 2005, this_year, this_year + 1]
    rows = [
        ValueInput(organisation_id=organisation.pk, indicator=indicator, year=year, value=value)
        for indicator in (energy, tonnage)
        for year in years
        for value in (Decimal(text) for text in numbers)
    ]
    rows.append(
        ValueInput(
            organisation_id=organisation.pk,
            indicator=energy,
            year=2020,
            value=Decimal("50"),
            numerator=Decimal("1"),
            denominator=Decimal("3"),
        )
    )
    expected = {}
    for index, row in enumerate(rows):
        errors = validation.stored_value_errors(row=row)
        if errors:
            expected[index] = errors
    assert values_validate(rows=rows) == expected
    assert expected  # the grid holds refused rows, and accepted ones
    assert len(expected) < len(rows)


def test_copy_lines_escape_each_text_as_copy_reads_it(energy):
    texts = ["", "Egen", "tab\there", "rad\nny", "back\\slash", "cr\rhär", "Egen"]
    rows = [
        ValueInput(
            organisation_id=10 + index,
            indicator=energy,
            year=2000 + index,
            value=Decimal(["12.5", "1E+1", "-0", "1E-7", "0E-10", "123456789.1234", "1.50"][index]),
            source_note=text,
            comment=texts[-1 - index],
            source_kpi="N1" if index % 2 else "",
            numerator=Decimal("1.25") if index % 2 else None,
            denominator=Decimal("10") if index % 2 else None,
            fetched_on=datetime.date(2026, 12, index + 1) if index % 3 else None,
        )
        for index, text in enumerate(texts)
    ]
    expected = [
        "\t".join(
            [str(row.organisation_id), str(energy.pk), str(row.year), str(row.value)]
            + [
                _copy_text(getattr(row, name))
                for name in (
                    "status",
                    "source_note",
                    "source_kpi",
                    "comment",
                    "numerator",
                    "denominator",
                    "fetched_on",
                )
            ]
        )
        + "\n"
        for row in rows
    ]
    assert _stage_lines(rows) == expected


def test_a_large_write_stores_every_text_and_number_as_given(energy):
    """More rows than go inline, so PostgreSQL takes the COPY path; SQLite the ORM's."""
    organisations = [MunicipalityFactory() for _ in range(INLINE_ROWS // 30 + 1)]
    texts = ["Egen", "tab\there", "rad\nny", "back\\slash \\N", "citat ”x” 'y'"]
    rows = [
        ValueInput(
            organisation_id=organisation.pk,
            indicator=energy,
            year=year,
            value=Decimal(f"{(index + year) % 100}.5"),
            source_note=texts[(index + year) % len(texts)],
            comment=texts[(index + year + 1) % len(texts)],
            source_kpi="N07" if year % 2 else "",
            fetched_on=datetime.date(2026, 1, 1) if year % 3 else None,
        )
        for index, organisation in enumerate(organisations)
        for year in range(1995, 2025)
    ]
    assert len(rows) > INLINE_ROWS
    with mock.patch.object(upsert, "_copy_rows", wraps=upsert._copy_rows) as copied:
        result = values_upsert(rows=rows, change_reason="Massimport")
    assert copied.call_count == (1 if connection.vendor == "postgresql" else 0)
    assert result.created == len(rows)
    stored = {
        (v.organisation_id, v.year): v
        for v in IndicatorValue.objects.filter(indicator=energy, organisation__in=organisations)
    }
    for row in rows:
        value = stored[(row.organisation_id, row.year)]
        assert (value.value, value.source_note, value.comment, value.source_kpi) == (
            row.value,
            row.source_note,
            row.comment,
            row.source_kpi,
        )
        assert value.fetched_on == row.fetched_on
    history = IndicatorValue.history.filter(indicator_id=energy.pk, organisation_id__in=[
        organisation.pk for organisation in organisations
    ])  # fmt: skip
    assert history.count() == len(rows)
    assert set(history.values_list("history_type", "history_change_reason").distinct()) == {
        ("+", "Massimport")
    }


def test_the_collector_runs_again_after_a_paused_block_even_when_it_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            pass
        assert not gc.isenabled()  # an inner block leaves it to the outer one
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was not running before, so it is not started
    finally:
        gc.enable()


def test_an_import_leaves_the_collector_running(tmp_path, energy):
    MunicipalityFactory(code="0665")
    read = importers.read_file(b"kommunkod;nyckeltal;ar;varde\n0665;GN.7;2021;80,5\n", fmt="csv")
    report = importers.values_import(read=read)
    assert report.ok and report.created == 1
    assert gc.isenabled()
