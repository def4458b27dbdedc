"""Financial years (April to March, written `2022-23`): a small value type, its one parser, and its fields.

`FinancialYear.parse` is the only reader of the written form: the model field, the form field (used
by pages and API filters), the API field and the import widget all call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
_TIME_PERIOD = re.compile(r"^(\d{4})(\d{2})$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of `start_year`."""

    start_year: int

    @classmethod
    def parse(cls, text: str | FinancialYear) -> FinancialYear:
        """Read `2022-23` (a FinancialYear is returned as it is); refuse anything else, with a ValueError."""
        if isinstance(text, FinancialYear):
            return text
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"“{text}” is not a financial year: write it like 2022-23.")
        start, end = int(match.group(1)), int(match.group(2))
        if (start + 1) % 100 != end:
            raise ValueError(f"“{text}” is not a financial year: the two years must follow on, like 2022-23.")
        return cls(start)

    @classmethod
    def from_time_period(cls, text: str) -> FinancialYear:
        """Read DfE's published `time_period` form, `202021` for 2020-21."""
        match = _TIME_PERIOD.match(str(text).strip())
        if not match:
            raise ValueError(f"“{text}” is not a time period: DfE writes 2020-21 as 202021.")
        return cls.parse(f"{match.group(1)}-{match.group(2)}")

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __sub__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year - years)

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"


def financial_year_or_invalid(value) -> FinancialYear:
    """FinancialYear.parse, refusing with a ValidationError (for model and form fields)."""
    try:
        return FinancialYear.parse(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_financial_year") from error


def validate_financial_year(value) -> None:
    financial_year_or_invalid(value)


class FinancialYearField(models.CharField):
    """Stores `2022-23` as text, which sorts in date order; Python sees a FinancialYear."""

    description = "Financial year (April to March), like 2022-23"

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 7
        super().__init__(*args, **kwargs)
        # The value is a FinancialYear, not text: its own validator replaces the length check.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
        self.validators.append(validate_financial_year)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else FinancialYear.parse(value)

    def to_python(self, value):
        if value is None or value == "":
            return None
        return financial_year_or_invalid(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        return str(FinancialYear.parse(value))


class FinancialYearFormField(forms.CharField):
    """A financial year typed as `2022-23`, cleaned to a FinancialYear (pages and API filters)."""

    def to_python(self, value) -> FinancialYear | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return financial_year_or_invalid(value)
