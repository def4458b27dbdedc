"""Money in pounds: the one parser and formatter, and the model and form fields built on them.

Every way an amount comes in (a page, the API, an import, a service's caller) reads it with
`parse_money`, so each kind of mistake is refused with the same words everywhere (decision 0019).
Accepted: digits with an optional "£", thousands commas in their places, a leading minus (before or
after the "£"; "−" as well as "-"), and at most 2 decimal places ("12.340" is 12.34: it is exact to
the penny). Whole pounds may be an int. A float is refused: it cannot hold pence exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

PENNY = Decimal("0.01")
# Money columns hold 15 digits, 2 of them pence: amounts stay below £10 trillion.
MAX_DIGITS = 15
DECIMAL_PLACES = 2
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)

MoneyInput = Decimal | int | str

_MINUS = "-−"  # ASCII hyphen-minus and the minus sign our own formatting writes
_AMOUNT = re.compile(
    rf"^(?P<before>[{_MINUS}]?)£?(?P<after>[{_MINUS}]?)"
    r"(?P<whole>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?P<fraction>\d+))?$"
)


class MoneyError(ValueError):
    """An amount refused, with the one message for its kind of fault (`code`)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _shown(value) -> str:
    return str(value).strip()


def _empty() -> MoneyError:
    return MoneyError("Enter an amount in pounds, like 1250000.00.", code="required")


def _float() -> MoneyError:
    return MoneyError(
        "Give the amount as text, like 1250000.00, or in whole pounds, not a float: "
        "a float cannot hold pence exactly.",
        code="float",
    )


def _not_an_amount(value) -> MoneyError:
    return MoneyError(
        f"“{_shown(value)}” is not an amount of money: write it like 1250000.00, £1,250,000.00 or -1250000.00.",
        code="invalid",
    )


def _too_many_places(value) -> MoneyError:
    return MoneyError(
        f"“{_shown(value)}” has more than 2 decimal places: money is kept to the penny.",
        code="decimal_places",
    )


def _too_large(value) -> MoneyError:
    return MoneyError(
        f"“{_shown(value)}” is too large: amounts are kept below £10 trillion.", code="too_large"
    )


def _from_text(text: str) -> Decimal:
    match = _AMOUNT.match(text)
    if not match or (match["before"] and match["after"]):
        raise _not_an_amount(text)
    digits = match["whole"].replace(",", "")
    if match["fraction"] is not None:
        digits += "." + match["fraction"]
    amount = Decimal(digits)
    return -amount if match["before"] or match["after"] else amount


def parse_money(value: MoneyInput, *, round_to_penny: bool = False) -> Decimal:
    """`value` as exact pounds and pence (a Decimal with 2 places), or a MoneyError saying what is wrong.

    `round_to_penny` rounds (half up) an amount with fractions of a penny instead of refusing it:
    only for figures published with them (DfE's allocations), never for what a person types.
    """
    if isinstance(value, float):
        raise _float()
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _empty()
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _not_an_amount(value)
    if isinstance(value, str):
        amount = _from_text(value.strip())
    else:
        amount = Decimal(value)
    if not amount.is_finite():
        raise _not_an_amount(value)
    if abs(amount) >= LIMIT:
        raise _too_large(value)
    exact = amount.quantize(PENNY, rounding=ROUND_HALF_UP)
    if exact != amount and not round_to_penny:
        raise _too_many_places(value)
    return exact


def to_pennies(amount: Decimal) -> Decimal:
    """A computed amount (a forecast, a share) rounded half up to the penny."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def format_pounds(amount: Decimal | int | str, *, pence: bool = True) -> str:
    """£1,250,000.00 (or whole pounds, £1,250,000, rounded half up), with "−" for a negative amount."""
    amount = amount if isinstance(amount, Decimal) else Decimal(amount)
    places = PENNY if pence else Decimal(1)
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,}"


# --- Fields -------------------------------------------------------------------------------------


class MoneyFormField(forms.DecimalField):
    """A text input for pounds, read by `parse_money` (GOV.UK: a text input, not type="number")."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            return parse_money(value)
        except MoneyError as error:
            raise ValidationError(error.message, code=error.code) from None

    def validate(self, value):
        # parse_money has checked the digits and the places; only "required" is left to check.
        forms.Field.validate(self, value)


class MoneyField(models.DecimalField):
    """Pounds and pence in a 15-digit decimal column; values are read with `parse_money`.

    Migrations see a plain DecimalField(max_digits=15, decimal_places=2): this class adds behaviour,
    not a column type.
    """

    description = "An amount in pounds and pence"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def to_python(self, value) -> Decimal | None:
        if value is None:
            return None
        try:
            return parse_money(value)
        except MoneyError as error:
            raise ValidationError(error.message, code=error.code) from None

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MoneyFormField, **kwargs})
