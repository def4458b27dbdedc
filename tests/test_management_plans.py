"""ESFA DSG management plans (SPEC §4.7, §4.8) and the upload check they share with steering papers."""

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from authorities.factories import FinanceLeadFactory, LocalAuthorityFactory
from deadlines.models import Deadline, DeadlineKind
from portal.errors import DomainError
from portal.factories import DfeOfficialFactory
from portal.financial_year import FinancialYear
from portal.uploads import DEFAULT_UPLOAD_MAX_BYTES, check_upload
from programmes import factories
from programmes.models import ManagementPlan, Programme, ReviewOutcome
from programmes.services.enrolment import enrolment_transition
from programmes.services.management_plan import (
    management_plan_follow_enrolment,
    management_plan_review,
    management_plan_submit,
    plan_years,
)

pytestmark = pytest.mark.django_db

FY = FinancialYear.parse
# 1 May 2024 is in 2024-25, so a plan forecasts 2025-26, 2026-27 and 2027-28.
TODAY = datetime(2024, 5, 1, 12, tzinfo=UTC)
PLAN_YEARS = ("2025-26", "2026-27", "2027-28")


# --- Files of each type, made in memory ---------------------------------------------------------------


def pdf(name="plan.pdf"):
    return factories.management_plan_pdf(name)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(name="plan.docx", *, extra=None):
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **(extra or {})}
    return SimpleUploadedFile(name, _zip(entries))


def xlsx(name="plan.xlsx"):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Forecast"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def odt(name="plan.odt"):
    return SimpleUploadedFile(
        name, _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
    )


def csv(name="plan.csv", content=b"year,in_year,cumulative\n2025-26,-1000.00,-5000.00\n"):
    return SimpleUploadedFile(name, content)


# --- The upload check -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload, kind",
    [
        (pdf, "pdf"),
        (docx, "docx"),
        (xlsx, "xlsx"),
        (odt, "odt"),
        (csv, "csv"),
        (lambda: csv(content="Authority,Balance\nSt Helens,-1 000\u00a3\n".encode("cp1252")), "csv"),
        (lambda: pdf("PLAN.PDF"), "pdf"),
    ],
)
def test_each_allowed_type_passes_by_name_and_content(upload, kind):
    file = upload()
    assert check_upload(file).extension == kind
    assert file.tell() == 0


@pytest.mark.parametrize("name", ["plan.exe", "plan", "plan.pdf.exe", "plan.docm", "plan.txt"])
def test_a_type_not_allowed_is_refused_by_its_name(name):
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile(name, b"%PDF-1.7 anything"))
    assert refused.value.field == "file"
    assert "PDF, DOCX, XLSX, CSV or ODT" in refused.value.message


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 an executable renamed"),
        lambda: SimpleUploadedFile("plan.docx", pdf().read()),
        lambda: xlsx("plan.docx"),  # a workbook is not a Word document
        lambda: docx("plan.xlsx"),
        lambda: docx("plan.odt"),
        lambda: SimpleUploadedFile("plan.csv", b"\x00\x01\x02binary\xff"),
        lambda: SimpleUploadedFile("plan.csv", pdf().read()),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(upload):
    with pytest.raises(DomainError) as refused:
        check_upload(upload())
    assert refused.value.field == "file"
    assert "contents are not" in refused.value.message


def test_a_document_with_macros_is_refused():
    with pytest.raises(DomainError) as refused:
        check_upload(docx(extra={"word/vbaProject.bin": b"macro"}))
    assert "macros" in refused.value.message


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("plan.pdf", b""))
    assert (refused.value.field, refused.value.message) == ("file", "The selected file is empty.")


def test_a_missing_file_is_refused_on_the_field_given():
    with pytest.raises(DomainError) as refused:
        check_upload(None, field="paper")
    assert refused.value.field == "paper"


def test_the_size_limit_is_the_upload_max_bytes_setting(settings):
    settings.UPLOAD_MAX_BYTES = 2048
    check_upload(SimpleUploadedFile("plan.pdf", b"%PDF-" + b"x" * 2043))
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("plan.pdf", b"%PDF-" + b"x" * 2044))
    assert refused.value.message == "The file must be 2 KB or smaller."


def test_without_the_setting_the_limit_is_10_mb(settings):
    if hasattr(settings, "UPLOAD_MAX_BYTES"):
        del settings.UPLOAD_MAX_BYTES
    assert DEFAULT_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("plan.pdf", b"%PDF-" + b"x" * DEFAULT_UPLOAD_MAX_BYTES))
    assert refused.value.message == "The file must be 10 MB or smaller."


# --- Submitting a plan -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def esfa_authority(db):
    """An authority with no enrolment yet."""
    return LocalAuthorityFactory()


@pytest.fixture
def esfa_lead(esfa_authority):
    """The finance lead of the ESFA authority."""
    return FinanceLeadFactory(authority=esfa_authority)


@pytest.fixture
def esfa_enrolment(dfe_official, esfa_authority):
    return factories.esfa_enrolment(authority=esfa_authority, actor=dfe_official)


def forecasts(years=PLAN_YEARS):
    return [
        (FY(year), Decimal("-1000000.00") * n, Decimal("-5000000.00") * n) for n, year in enumerate(years, 1)
    ]


def test_plan_years_are_the_three_after_todays_financial_year():
    assert plan_years(date(2024, 3, 31)) == [FY("2024-25"), FY("2025-26"), FY("2026-27")]
    assert plan_years(date(2024, 4, 1)) == [FY(year) for year in PLAN_YEARS]


def test_an_esfa_finance_lead_submits_a_plan_with_three_years_of_forecasts(today, esfa_lead, esfa_enrolment):
    plan = management_plan_submit(
        actor=esfa_lead, enrolment=esfa_enrolment, file=pdf(), forecasts=forecasts()
    )
    assert plan.submitted_by == esfa_lead
    assert plan.file.name.startswith("management-plans/2024/") and plan.file.name.endswith(".pdf")
    assert plan.file.read().startswith(b"%PDF-")
    assert [
        (str(f.financial_year), f.in_year_balance, f.cumulative_balance) for f in plan.forecasts.all()
    ] == [
        ("2025-26", Decimal("-1000000.00"), Decimal("-5000000.00")),
        ("2026-27", Decimal("-2000000.00"), Decimal("-10000000.00")),
        ("2027-28", Decimal("-3000000.00"), Decimal("-15000000.00")),
    ]


def test_forecast_years_may_be_given_as_text_and_amounts_as_text(today, esfa_lead, esfa_enrolment):
    given = [(year, "-1,000.50", "£-2000") for year in PLAN_YEARS]
    plan = management_plan_submit(actor=esfa_lead, enrolment=esfa_enrolment, file=docx(), forecasts=given)
    assert plan.forecasts.first().in_year_balance == Decimal("-1000.50")


@pytest.mark.parametrize(
    "years, message",
    [
        (("2024-25", "2025-26", "2026-27"), "2024-25 is not one of them"),  # today's year is not forecast
        (("2025-26", "2026-27"), "2027-28 is missing"),
        (("2025-26", "2026-27", "2027-28", "2028-29"), "2028-29 is not one of them"),
        (("2025-26", "2025-26", "2026-27", "2027-28"), "2025-26 is forecast twice"),
    ],
)
def test_exactly_the_next_three_financial_years_are_forecast(
    today, esfa_lead, esfa_enrolment, years, message
):
    with pytest.raises(DomainError) as refused:
        management_plan_submit(
            actor=esfa_lead, enrolment=esfa_enrolment, file=pdf(), forecasts=forecasts(years)
        )
    assert refused.value.field == "forecasts"
    assert message in refused.value.message
    assert not ManagementPlan.objects.filter(enrolment=esfa_enrolment).exists()


@pytest.mark.parametrize("amount", [1.5, "", None, "12.345", "ten", "NaN"])
def test_forecast_amounts_are_pounds_and_pence(today, esfa_lead, esfa_enrolment, amount):
    given = forecasts()
    given[1] = (given[1][0], amount, Decimal("0"))
    with pytest.raises(DomainError) as refused:
        management_plan_submit(actor=esfa_lead, enrolment=esfa_enrolment, file=pdf(), forecasts=given)
    assert refused.value.field == "in_year_balance_2026-27"


def test_the_plan_file_is_checked(today, esfa_lead, esfa_enrolment):
    with pytest.raises(DomainError) as refused:
        management_plan_submit(
            actor=esfa_lead,
            enrolment=esfa_enrolment,
            file=SimpleUploadedFile("plan.pdf", b"not a pdf"),
            forecasts=forecasts(),
        )
    assert refused.value.field == "file"
    assert not ManagementPlan.objects.filter(enrolment=esfa_enrolment).exists()


def test_only_an_esfa_enrolment_takes_a_plan(today, finance_lead):
    dbv = finance_lead.authority.enrolments.get(cohort__programme__code="DBV")
    with pytest.raises(DomainError) as refused:
        management_plan_submit(actor=finance_lead, enrolment=dbv, file=pdf(), forecasts=forecasts())
    assert refused.value.field == "enrolment"
    assert "ESFA programme only" in refused.value.message


def test_a_closed_esfa_enrolment_takes_no_plan(today, dfe_official, esfa_lead, esfa_enrolment):
    enrolment_transition(actor=dfe_official, enrolment=esfa_enrolment, transition="withdraw", reason="Merged")
    with pytest.raises(DomainError) as refused:
        management_plan_submit(actor=esfa_lead, enrolment=esfa_enrolment, file=pdf(), forecasts=forecasts())
    assert "withdrawn" in refused.value.message


@pytest.mark.parametrize(
    "person, refusal",
    [
        ("dfe_official", PermissionDenied),  # sees the enrolment; submitting is the authority's
        ("finance_lead", Http404),  # another authority's finance lead
        ("newton_partner", Http404),  # ESFA enrolments are not assigned to partners
        ("steering_member", Http404),
    ],
)
def test_only_the_authoritys_finance_lead_may_submit(today, request, esfa_enrolment, person, refusal):
    with pytest.raises(refusal):
        management_plan_submit(
            actor=request.getfixturevalue(person),
            enrolment=esfa_enrolment,
            file=pdf(),
            forecasts=forecasts(),
        )


# --- Reviewing a plan: the next review is a deadline ----------------------------------------------------


@pytest.fixture
def plan(today, esfa_lead, esfa_enrolment):
    return factories.management_plan(enrolment=esfa_enrolment, actor=esfa_lead)


def _review_deadline(plan):
    return Deadline.objects.filter(kind=DeadlineKind.PLAN_REVIEW, source_id=plan.pk).first()


def test_a_review_records_who_when_and_the_next_review_date_becomes_a_deadline(
    dfe_official, plan, esfa_enrolment
):
    esfa_enrolment.case_lead = dfe_official
    esfa_enrolment.save()
    reviewed = management_plan_review(
        actor=dfe_official,
        plan=plan,
        outcome=ReviewOutcome.REVISIONS_NEEDED,
        notes="Show the SEN support savings.",
        next_review_on=date(2024, 9, 30),
    )
    assert (reviewed.review_outcome, reviewed.reviewed_by, reviewed.review_notes) == (
        ReviewOutcome.REVISIONS_NEEDED,
        dfe_official,
        "Show the SEN support savings.",
    )
    assert reviewed.reviewed_at == TODAY
    deadline = _review_deadline(plan)
    assert deadline.due_on == date(2024, 9, 30)
    assert deadline.owner == dfe_official
    assert deadline.authority == esfa_enrolment.authority
    assert deadline.is_open


def test_a_new_review_moves_the_deadline_and_acceptance_without_a_date_removes_it(dfe_official, plan):
    management_plan_review(
        actor=dfe_official,
        plan=plan,
        outcome=ReviewOutcome.REVISIONS_NEEDED,
        notes="More detail",
        next_review_on=date(2024, 9, 30),
    )
    management_plan_review(
        actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 3, 31)
    )
    assert _review_deadline(plan).due_on == date(2025, 3, 31)
    assert Deadline.objects.filter(kind=DeadlineKind.PLAN_REVIEW, source_id=plan.pk).count() == 1

    management_plan_review(actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED)
    assert _review_deadline(plan) is None
    plan.refresh_from_db()
    assert plan.next_review_on is None


def test_the_deadline_is_owned_by_the_programme_lead_when_there_is_no_case_lead(dfe_official, plan):
    lead = DfeOfficialFactory()
    Programme.objects.filter(code="ESFA").update(lead_official=lead)
    management_plan_review(
        actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 4, 1)
    )
    deadline = _review_deadline(plan)
    assert (deadline.owner, deadline.responsible) == (lead, lead)


def test_with_neither_case_lead_nor_programme_lead_the_reviewer_owns_the_deadline(dfe_official, plan):
    Programme.objects.filter(code="ESFA").update(lead_official=None)
    management_plan_review(
        actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 4, 1)
    )
    assert _review_deadline(plan).owner == dfe_official


def test_reviewing_a_newer_plan_closes_the_review_set_on_the_older_one(
    dfe_official, esfa_lead, esfa_enrolment, plan
):
    management_plan_review(
        actor=dfe_official,
        plan=plan,
        outcome=ReviewOutcome.REVISIONS_NEEDED,
        notes="Revise",
        next_review_on=date(2024, 9, 30),
    )
    revised = management_plan_submit(
        actor=esfa_lead, enrolment=esfa_enrolment, file=pdf(), forecasts=forecasts()
    )
    management_plan_review(
        actor=dfe_official, plan=revised, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 4, 1)
    )
    assert not _review_deadline(plan).is_open
    assert _review_deadline(revised).is_open
    assert (
        Deadline.objects.open()
        .filter(kind=DeadlineKind.PLAN_REVIEW, authority=esfa_enrolment.authority)
        .count()
        == 1
    )


def test_revisions_needed_needs_notes_and_a_next_review_date(dfe_official, plan):
    with pytest.raises(DomainError) as refused:
        management_plan_review(
            actor=dfe_official,
            plan=plan,
            outcome=ReviewOutcome.REVISIONS_NEEDED,
            next_review_on=date(2024, 9, 30),
        )
    assert refused.value.field == "notes"
    with pytest.raises(DomainError) as refused:
        management_plan_review(
            actor=dfe_official, plan=plan, outcome=ReviewOutcome.REVISIONS_NEEDED, notes="Revise"
        )
    assert refused.value.field == "next_review_on"


@pytest.mark.parametrize("next_review_on", [date(2024, 5, 1), date(2024, 4, 30)])
def test_the_next_review_date_is_in_the_future(dfe_official, plan, next_review_on):
    with pytest.raises(DomainError) as refused:
        management_plan_review(
            actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=next_review_on
        )
    assert refused.value.field == "next_review_on"


def test_an_unknown_outcome_is_refused(dfe_official, plan):
    with pytest.raises(DomainError) as refused:
        management_plan_review(actor=dfe_official, plan=plan, outcome="approved")
    assert refused.value.field == "outcome"


def test_a_closed_enrolment_gets_no_next_review(dfe_official, plan, esfa_enrolment):
    enrolment_transition(actor=dfe_official, enrolment=esfa_enrolment, transition="withdraw", reason="Merged")
    with pytest.raises(DomainError):
        management_plan_review(
            actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 1, 1)
        )
    management_plan_review(actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED)


@pytest.mark.parametrize(
    "person, refusal",
    [
        ("esfa_lead", PermissionDenied),  # the plan's own authority
        ("finance_lead", Http404),  # another authority's finance lead
        ("newton_partner", Http404),
        ("steering_member", Http404),
    ],
)
def test_only_dfe_reviews_a_plan(request, plan, person, refusal):
    with pytest.raises(refusal):
        management_plan_review(
            actor=request.getfixturevalue(person), plan=plan, outcome=ReviewOutcome.ACCEPTED
        )
    assert _review_deadline(plan) is None


def test_when_the_enrolment_closes_its_pending_review_closes(dfe_official, plan, esfa_enrolment):
    management_plan_review(
        actor=dfe_official, plan=plan, outcome=ReviewOutcome.ACCEPTED, next_review_on=date(2025, 3, 31)
    )
    management_plan_follow_enrolment(enrolment=esfa_enrolment, actor=dfe_official)
    assert _review_deadline(plan).is_open  # still open: nothing to follow

    closed = enrolment_transition(
        actor=dfe_official, enrolment=esfa_enrolment, transition="withdraw", reason="Merged"
    )
    management_plan_follow_enrolment(enrolment=closed, actor=dfe_official)
    assert not _review_deadline(plan).is_open
