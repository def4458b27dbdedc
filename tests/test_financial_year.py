"""Financial years are a value type: written 2022-23, April to March."""

from datetime import date

import pytest

from portal.financial_year import FinancialYear


def test_parses_and_prints_the_usual_form():
    year = FinancialYear.parse("2022-23")
    assert str(year) == "2022-23"
    assert year.starts_on == date(2022, 4, 1)
    assert year.ends_on == date(2023, 3, 31)
    assert str(year + 1) == "2023-24"
    assert str(FinancialYear.parse("1999-00") + 0) == "1999-00"


@pytest.mark.parametrize("text", ["2022-24", "2022/23", "22-23", "2022-2023", ""])
def test_refuses_anything_else_with_a_clear_message(text):
    with pytest.raises(ValueError, match="financial year"):
        FinancialYear.parse(text)


def test_reads_dfes_published_time_period():
    assert FinancialYear.from_time_period("202021") == FinancialYear.parse("2020-21")


def test_the_year_containing_a_date_starts_in_april():
    assert str(FinancialYear.containing(date(2023, 3, 31))) == "2022-23"
    assert str(FinancialYear.containing(date(2023, 4, 1))) == "2023-24"
