"""Money (decision 0019): one reading of pounds, whether typed on a page, sent to the API or imported."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django import forms

from authorities.factories import LocalAuthorityFactory
from authorities.models import DsgFigure, FigureSource
from portal.imports import run_import
from portal.money import MoneyError, MoneyFormField, format_pounds, parse_money
from programmes.models import DiagnosticStage, Enrolment, Grant, ProgrammeCode, StageStatus
from programmes.services.diagnostic import diagnostic_stage_update
from tests.api_client import api_client_for, error_of

pytestmark = pytest.mark.django_db

NOT_AN_AMOUNT = "“{}” is not an amount of money: write it like 1250000.00, £1,250,000.00 or -1250000.00."
TOO_MANY_PLACES = "“{}” has more than 2 decimal places: money is kept to the penny."
TOO_LARGE = "“{}” is too large: amounts are kept below £10 trillion."
FLOAT = "Give the amount as text, like 1250000.00, or in whole pounds, not a float: a float cannot hold pence exactly."

# Positive amounts, so that every one of them is also a grant the API can award.
ACCEPTED = [
    ("1234.56", "1234.56"),
    ("£1,234.56", "1234.56"),
    ("1,234,567", "1234567.00"),
    ("12.5", "12.50"),
    ("12.340", "12.34"),
    (" £7 ", "7.00"),
]
REFUSED = [
    ("twelve", NOT_AN_AMOUNT.format("twelve")),
    ("1,23", NOT_AN_AMOUNT.format("1,23")),
    ("12,34.5", NOT_AN_AMOUNT.format("12,34.5")),
    ("1.2.3", NOT_AN_AMOUNT.format("1.2.3")),
    ("£-£5", NOT_AN_AMOUNT.format("£-£5")),
    ("1e6", NOT_AN_AMOUNT.format("1e6")),
    ("NaN", NOT_AN_AMOUNT.format("NaN")),
    ("12.345", TOO_MANY_PLACES.format("12.345")),
    ("£1,000.001", TOO_MANY_PLACES.format("£1,000.001")),
    ("10000000000000", TOO_LARGE.format("10000000000000")),
]


# --- The same input, three ways in ---------------------------------------------------------------


class AmountForm(forms.Form):
    amount = MoneyFormField(label="Amount")


def through_a_form(text: str) -> tuple[Decimal | None, str | None]:
    form = AmountForm(data={"amount": text})
    if form.is_valid():
        return form.cleaned_data["amount"], None
    [message] = form.errors["amount"]
    return None, message


def dbv_enrolment() -> Enrolment:
    """A reference DBV enrolment (DBV's 55 places are all taken by them), without a grant yet."""
    return (
        Enrolment.objects.open()
        .filter(cohort__programme__code=ProgrammeCode.DBV, grants__isnull=True)
        .order_by("authority__la_code")
        .first()
    )


def through_the_api(text: str, *, actor) -> tuple[Decimal | None, str | None]:
    """Award a DBV grant of `text`, paid in one payment of `text`, to an enrolment ready for one."""
    enrolment = dbv_enrolment()
    diagnostic_stage_update(
        actor=actor,
        stage=DiagnosticStage.objects.get(diagnostic__enrolment=enrolment, definition__number=11),
        status=StageStatus.COMPLETE,
        actual_date=date(2024, 5, 1),
    )
    response = api_client_for(actor).post(
        "/api/v1/grants/",
        {
            "enrolment": enrolment.pk,
            "amount": text,
            "awarded_on": "2024-05-15",
            "payments": [{"due_on": "2024-06-30", "amount": text}],
        },
        format="json",
    )
    if response.status_code == 201:
        return Grant.objects.get(pk=response.json()["id"]).amount, None
    error = error_of(response, 400)
    assert error["fields"]["amount"] == error["fields"]["payments.0.amount"]
    [message] = error["fields"]["amount"]
    return None, message


def through_an_import(text: str, *, actor) -> tuple[Decimal | None, str | None]:
    """A DSG figures CSV whose one row gives `text` as the total DSG allocation."""
    authority = LocalAuthorityFactory()
    content = io.StringIO()
    csv.writer(content).writerows(
        [
            ["la_code", "financial_year", "source", "total_dsg_allocation"],
            [authority.la_code, "2022-23", "la_return", text],
        ]
    )
    report = run_import(
        kind="dsg-figures",
        actor=actor,
        dry_run=False,
        file_bytes=content.getvalue().encode("utf-8"),
        filename="figures.csv",
    )
    if report.written:
        figure = DsgFigure.objects.get(authority=authority, source=FigureSource.LA_RETURN)
        return figure.total_dsg_allocation, None
    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "total_dsg_allocation")
    return None, problem.message


@pytest.mark.parametrize(
    "text, amount, message",
    [(text, Decimal(amount), None) for text, amount in ACCEPTED]
    + [(text, None, message) for text, message in REFUSED],
)
@time_machine.travel(date(2024, 6, 1))
def test_an_amount_is_read_the_same_on_a_page_through_the_api_and_in_an_import(
    dfe_official, text, amount, message
):
    expected = (amount, message)
    assert through_a_form(text) == expected
    assert through_the_api(text, actor=dfe_official) == expected
    assert through_an_import(text, actor=dfe_official) == expected


@time_machine.travel(date(2024, 6, 1))
def test_the_api_refuses_a_json_number_with_a_fraction_and_reads_a_whole_one(dfe_official):
    enrolment = dbv_enrolment()
    client = api_client_for(dfe_official)
    body = {
        "enrolment": enrolment.pk,
        "amount": 1234.5,
        "awarded_on": "2024-05-15",
        "payments": [{"due_on": "2024-06-30", "amount": 1234}],
    }

    error = error_of(client.post("/api/v1/grants/", body, format="json"), 400)

    assert error["fields"] == {"amount": [FLOAT]}


# --- The parser and the formatter ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, amount",
    [
        ("0", "0.00"),
        ("-1234.5", "-1234.50"),
        ("-£1,234.56", "-1234.56"),
        ("£-1,234.56", "-1234.56"),
        ("−£1,234.56", "-1234.56"),  # what format_pounds writes reads back
        (1250000, "1250000.00"),
        (Decimal("12.340"), "12.34"),
        ("9999999999999.99", "9999999999999.99"),
    ],
)
def test_the_parser_reads_pounds_and_pence_exactly(value, amount):
    parsed = parse_money(value)
    assert parsed == Decimal(amount)
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value, code",
    [
        (1234.5, "float"),
        (1.0, "float"),
        (True, "invalid"),
        ("--5", "invalid"),
        ("-£-5", "invalid"),
        ("+5", "invalid"),
        (".5", "invalid"),
        ("5.", "invalid"),
        ("1 000", "invalid"),
        ("12.345", "decimal_places"),
        (Decimal("0.001"), "decimal_places"),
        (Decimal("Infinity"), "invalid"),
        (-(10**13), "too_large"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_the_parser_refuses_everything_else_saying_which_fault_it_is(value, code):
    with pytest.raises(MoneyError) as refusal:
        parse_money(value)
    assert refusal.value.code == code


def test_a_float_is_refused_with_the_one_float_message():
    with pytest.raises(MoneyError, match="not a float"):
        parse_money(0.1)


def test_published_fractions_of_a_penny_are_rounded_half_up_only_when_asked():
    assert parse_money("1234.565", round_to_penny=True) == Decimal("1234.57")
    assert parse_money("-1234.565", round_to_penny=True) == Decimal("-1234.57")
    with pytest.raises(MoneyError):
        parse_money("1234.565")


@pytest.mark.parametrize(
    "amount, pence, shown",
    [
        (Decimal("1234.56"), True, "£1,234.56"),
        (Decimal("-1234.56"), True, "−£1,234.56"),
        (Decimal("1250000"), True, "£1,250,000.00"),
        (Decimal("0.005"), True, "£0.01"),
        (Decimal("-0.001"), True, "£0.00"),
        (Decimal("1234.5"), False, "£1,235"),
        (Decimal("-1234.5"), False, "−£1,235"),
        (0, True, "£0.00"),
    ],
)
def test_amounts_are_shown_in_pounds_with_a_minus_sign_for_a_deficit(amount, pence, shown):
    assert format_pounds(amount, pence=pence) == shown


def test_pages_show_whole_pounds_and_a_dash_for_no_figure():
    from portal.templatetags.money import pounds

    assert (pounds(Decimal("-1234567.89")), pounds(None), pounds("")) == ("−£1,234,568", "—", "—")
