"""Safety Valve agreement pages (SPEC §4.5): the list, an agreement's page with its targets against actuals,
recording a signed agreement, varying it, assessing a monitoring report and deciding an instalment."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from portal.financial_year import FinancialYear
from programmes.factories import (
    enrolment,
    monitoring_report_assessed,
    monitoring_report_submitted,
    sv_agreement,
)
from programmes.models import (
    Agreement,
    AgreementVariation,
    Assessment,
    EnrolmentStatus,
    PaymentStatus,
    ProgrammeCode,
)
from programmes.selectors.agreement import instalments
from programmes.services.agreement import agreement_vary

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no error summary on the page"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split())


@pytest.fixture
def agreement(dfe_official):
    return sv_agreement(actor=dfe_official)


def _reports(agreement):
    return list(agreement.monitoring_reports.order_by("due_on"))


# --- Who sees what --------------------------------------------------------------------------


def test_a_dfe_official_sees_every_agreement_in_the_list_with_its_money(client_for, dfe_official, agreement):
    other = sv_agreement(
        actor=dfe_official,
        total_contribution=Decimal("30000000.00"),
        instalments=[(date(2022, 3, 31), Decimal("30000000.00"))],
    )
    page = client_for(dfe_official).get(reverse("programmes:agreements"))
    assert page.status_code == 200
    text = text_of(page)
    assert "2 agreements" in text
    for each in (agreement, other):
        assert each.authority.name in text
    assert "£40,000,000" in text and "£30,000,000" in text and "£60,000,000" in text


def test_a_finance_lead_sees_only_their_own_agreement(client, agreement, dfe_official):
    other = sv_agreement(actor=dfe_official)
    lead = FinanceLeadFactory(authority=agreement.authority)
    client.force_login(lead)
    text = text_of(client.get(reverse("programmes:agreements")))
    assert "1 agreement" in text and agreement.authority.name in text and other.authority.name not in text
    page = client.get(reverse("programmes:agreement", args=[agreement.pk]))
    assert page.status_code == 200
    assert (
        "Record a variation" not in page.content.decode()
        and "Release or withhold" not in page.content.decode()
    )
    assert client.get(reverse("programmes:agreement", args=[other.pk])).status_code == 404
    assert client.get(reverse("programmes:agreement-vary", args=[agreement.pk])).status_code == 403


@pytest.mark.parametrize("role", ["newton_partner", "steering_member"])
def test_partners_and_steering_members_see_no_agreement(request, client_for, agreement, role):
    client = client_for(request.getfixturevalue(role))
    assert "no agreements you can see" in text_of(client.get(reverse("programmes:agreements")))
    for name in ("programmes:agreement", "programmes:agreement-vary", "programmes:agreement-details"):
        assert client.get(reverse(name, args=[agreement.pk])).status_code == 404
    report = _reports(agreement)[0]
    assert client.get(reverse("programmes:report-assess", args=[report.pk])).status_code == 404
    assert (
        client.get(reverse("programmes:instalment-decide", args=[instalments(agreement)[0].pk])).status_code
        == 404
    )


def test_the_agreement_page_shows_conditions_targets_against_actuals_instalments_and_reports(
    client_for, dfe_official, agreement
):
    first = _reports(agreement)[0]
    monitoring_report_submitted(first, actual_cumulative_balance="-62000000.00")
    page = client_for(dfe_official).get(reverse("programmes:agreement", args=[agreement.pk]))
    html, text = page.content.decode(), text_of(page)
    assert "Open more specialist places locally." in text
    # Step 8: the chart is the trajectory (targets, DSG actuals, forecast; tests/test_trajectory_chart.py).
    assert "<svg" in html and 'id="trajectory-chart-title"' in html
    # 2021-22: target −£60m, the report due in June 2022 is in 2022-23, so the actual shows there.
    assert "2022-23 −£4,000,000 −£45,000,000 −£62,000,000 −£17,000,000 Behind" in text
    assert "2021-22 −£9,000,000 −£60,000,000 No report yet" in text
    assert text.count("Release or withhold") == 4
    assert "Assess the report due" in text


def test_the_agreement_page_runs_the_same_queries_however_many_reports_instalments_and_variations(
    client_for, dfe_official
):
    def queries_for(agreement):
        client = client_for(dfe_official)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("programmes:agreement", args=[agreement.pk])).status_code == 200
        return len(queries)

    small = sv_agreement(
        actor=dfe_official, instalments=[(date(2022, 3, 31), Decimal("40000000.00"))], report_count=1
    )
    large = sv_agreement(actor=dfe_official)
    for report in _reports(large)[:6]:
        monitoring_report_assessed(report, actor=dfe_official)
    for number in range(3):
        conditions = [c.text for c in large.conditions.order_by("number")] + [f"Extra {number}."]
        agreement_vary(
            actor=dfe_official,
            agreement=large,
            varied_on=date(2023, 1, 1 + number),
            reason="More.",
            conditions=conditions,
            targets=[
                (t.financial_year, t.in_year_balance, t.cumulative_balance) for t in large.targets.all()
            ],
            instalments=[
                (p.due_on, p.amount) for p in instalments(large) if p.status == PaymentStatus.SCHEDULED
            ],
        )
    assert large.monitoring_reports.count() > small.monitoring_reports.count()
    assert len(instalments(large)) > len(instalments(small)) and large.variations.count() == 3
    assert queries_for(small) == queries_for(large)


# --- Recording a signed agreement -----------------------------------------------------------


def _terms_post(**overrides) -> dict:
    post = {
        "signed_on_0": "15",
        "signed_on_1": "3",
        "signed_on_2": "2022",
        "published_url": "https://www.example.org/agreement.pdf",
        "deficit_at_signing": "60000000",
        "total_contribution": "40000000",
        "conditions": "Open more specialist places locally.\nReview EHCP thresholds with schools.",
        "target_1_year": "2021-22",
        "target_1_in_year": "-9000000",
        "target_1_cumulative": "-60000000",
        "target_2_year": "2022-23",
        "target_2_in_year": "-4000000",
        "target_2_cumulative": "-45000000",
        "target_3_year": "2023-24",
        "target_3_in_year": "45000000",
        "target_3_cumulative": "0",
        "instalment_1_due_on_0": "31",
        "instalment_1_due_on_1": "3",
        "instalment_1_due_on_2": "2022",
        "instalment_1_amount": "20000000",
        "instalment_2_due_on_0": "15",
        "instalment_2_due_on_1": "12",
        "instalment_2_due_on_2": "2022",
        "instalment_2_amount": "15000000",
    }
    post.update(overrides)
    return post


def test_recording_an_agreement_shows_the_instalments_difference_until_they_add_up_then_checks_and_records(
    client_for, dfe_official
):
    signed = enrolment(
        programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.ACCEPTED, actor=dfe_official
    )
    client = client_for(dfe_official)
    page = reverse("programmes:agreement-create", args=[signed.pk])
    assert "Record the signed agreement" in text_of(client.get(page))

    short = client.post(page, _terms_post())
    assert short.status_code == 400
    assert (
        "The instalments add up to £35,000,000.00: £5,000,000.00 less than the £40,000,000.00 they must add up to."
        in text_of(short)
    )
    assert (
        "The instalments add up to £35,000,000.00, £5,000,000.00 less than the total DfE contribution"
        in error_summary(short)
    )
    assert not Agreement.objects.filter(enrolment=signed).exists()

    right = client.post(page, _terms_post(instalment_2_amount="20000000"))
    check = reverse("programmes:agreement-create-check", args=[signed.pk])
    assert right.status_code == 302 and right.url == check
    check_page = text_of(client.get(check))
    assert "Check your answers before recording the agreement" in check_page
    assert (
        "£20,000,000.00 due 15 December 2022" in check_page
        and "2023-24: in-year £45,000,000.00, cumulative £0.00" in check_page
    )

    recorded = client.post(check)
    agreement = Agreement.objects.get(enrolment=signed)
    assert recorded.url == reverse("programmes:agreement-recorded", args=[agreement.pk])
    assert "Agreement recorded" in text_of(client.get(recorded.url))
    assert [p.amount for p in instalments(agreement)] == [Decimal("20000000.00"), Decimal("20000000.00")]


def test_a_wrong_agreement_is_refused_on_the_page_in_the_services_words(client_for, dfe_official):
    signed = enrolment(
        programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.ACCEPTED, actor=dfe_official
    )
    client = client_for(dfe_official)
    page = reverse("programmes:agreement-create", args=[signed.pk])
    wrong = client.post(page, _terms_post(target_3_cumulative="-1000", instalment_2_amount="20000000"))
    assert wrong.status_code == 400
    assert "The targets must run until the deficit is eliminated" in error_summary(wrong)
    # Nothing was kept for the check page, which sends the official back to the question page.
    assert client.get(reverse("programmes:agreement-create-check", args=[signed.pk])).url == page
    impossible = client.post(page, _terms_post(signed_on_0="31", signed_on_1="2"))
    assert impossible.status_code == 400 and "must be a real date" in error_summary(impossible)
    assert not Agreement.objects.filter(enrolment=signed).exists()


def test_only_a_dfe_official_records_an_agreement(client, dfe_official, newton_partner, steering_member):
    signed = enrolment(
        programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.ACCEPTED, actor=dfe_official
    )
    pages = [
        reverse(name, args=[signed.pk])
        for name in ("programmes:agreement-create", "programmes:agreement-create-check")
    ]
    client.force_login(FinanceLeadFactory(authority=signed.authority))
    assert [client.get(page).status_code for page in pages] == [403, 403]
    for outsider in (newton_partner, steering_member, FinanceLeadFactory()):
        client.force_login(outsider)
        assert [client.get(page).status_code for page in pages] == [404, 404]
    assert not Agreement.objects.filter(enrolment=signed).exists()


# --- Assessing and deciding -----------------------------------------------------------------


def test_an_off_track_assessment_puts_the_next_instalment_up_and_releasing_later_needs_an_override(
    client_for, dfe_official, agreement
):
    client = client_for(dfe_official)
    first, second = _reports(agreement)[:2]
    monitoring_report_submitted(first)
    assess = reverse("programmes:report-assess", args=[first.pk])
    assert client.post(assess, {"assessment": "off_track"}).status_code == 302
    refused = client.post(reverse("programmes:report-assess-check", args=[first.pk]))
    assert refused.status_code == 400 and "Say why the report is off track" in error_summary(refused)
    client.post(assess, {"assessment": "off_track", "notes": "High needs spend 8% above plan."})
    done = client.post(reverse("programmes:report-assess-check", args=[first.pk]))
    assert done.url == reverse("programmes:report-assessed", args=[first.pk])
    confirmation = text_of(client.get(done.url))
    payments = instalments(agreement)
    flagged = payments[1]  # the first instalment falls due (31 March 2022) before the report (15 June 2022)
    assert (
        f"Instalment {flagged.number} (£8,000,000, due 15 December 2022) is now up for a withhold decision"
        in confirmation
    )

    decide = reverse("programmes:instalment-decide", args=[flagged.pk])
    assert "releasing this instalment needs an override reason" in text_of(client.get(decide))
    client.post(decide, {"decision": "withhold", "reason": "Condition 1 not met."})
    withheld = client.post(reverse("programmes:instalment-decide-check", args=[flagged.pk]))
    assert withheld.url == reverse("programmes:instalment-decided", args=[flagged.pk])
    assert "Instalment 2 withheld" in text_of(client.get(withheld.url))

    later = payments[2]
    no_override = client.post(
        reverse("programmes:instalment-decide", args=[later.pk]),
        {"decision": "release", "reason": "Plan revised."},
    )
    assert no_override.status_code == 400 and "give an override reason" in error_summary(no_override)
    client.post(
        reverse("programmes:instalment-decide", args=[later.pk]),
        {
            "decision": "release",
            "reason": "Plan revised.",
            "override_reason": "Minister agreed the recovery plan.",
        },
    )
    check = text_of(client.get(reverse("programmes:instalment-decide-check", args=[later.pk])))
    assert "Override reason Minister agreed the recovery plan." in check
    client.post(reverse("programmes:instalment-decide-check", args=[later.pk]))
    statuses = [(p.number, p.status, p.override_reason) for p in instalments(agreement)]
    assert statuses[1] == (2, PaymentStatus.WITHHELD, "")
    assert statuses[2] == (3, PaymentStatus.RELEASED, "Minister agreed the recovery plan.")
    page = text_of(client.get(reverse("programmes:agreement", args=[agreement.pk])))
    assert "Condition 1 not met." in page and "(override: Minister agreed the recovery plan.)" in page
    assert second.assessment == ""


def test_a_decided_instalment_and_an_assessed_report_cannot_be_decided_or_assessed_again(
    client_for, dfe_official, agreement
):
    client = client_for(dfe_official)
    report = _reports(agreement)[0]
    monitoring_report_assessed(report, actor=dfe_official, assessment=Assessment.ON_TRACK)
    assert "was already assessed on track" in text_of(
        client.get(reverse("programmes:report-assess", args=[report.pk]))
    )
    payment = instalments(agreement)[0]
    client.post(
        reverse("programmes:instalment-decide", args=[payment.pk]), {"decision": "release", "reason": "Due."}
    )
    client.post(reverse("programmes:instalment-decide-check", args=[payment.pk]))
    again = text_of(client.get(reverse("programmes:instalment-decide", args=[payment.pk])))
    assert "was already released" in again


# --- Varying and correcting -----------------------------------------------------------------


def test_a_variation_is_checked_recorded_and_shown_on_the_agreement(client_for, dfe_official, agreement):
    client = client_for(dfe_official)
    vary = reverse("programmes:agreement-vary", args=[agreement.pk])
    form = client.get(vary)
    assert "Open more specialist places locally." in form.content.decode()  # the current terms, filled in
    post = {
        "varied_on_0": "1",
        "varied_on_1": "6",
        "varied_on_2": "2023",
        "reason": "The authority's sufficiency review.",
        "conditions": "Open more specialist places locally.\nReview EHCP thresholds with schools.\nPublish a sufficiency plan.",
    }
    for number, target in enumerate(agreement.targets.order_by("financial_year"), start=1):
        post |= {
            f"target_{number}_year": str(target.financial_year),
            f"target_{number}_in_year": str(target.in_year_balance),
            f"target_{number}_cumulative": str(target.cumulative_balance),
        }
    for number, payment in enumerate(instalments(agreement), start=1):
        post |= {
            f"instalment_{number}_due_on_0": str(payment.due_on.day),
            f"instalment_{number}_due_on_1": str(payment.due_on.month),
            f"instalment_{number}_due_on_2": str(payment.due_on.year),
            f"instalment_{number}_amount": str(payment.amount),
        }
    unchanged = client.post(
        vary,
        {**post, "conditions": "Open more specialist places locally.\nReview EHCP thresholds with schools."},
    )
    assert (
        unchanged.status_code == 400
        and "Nothing in the conditions, targets or instalments has changed" in error_summary(unchanged)
    )
    assert client.post(vary, post).url == reverse("programmes:agreement-vary-check", args=[agreement.pk])
    check = text_of(client.get(reverse("programmes:agreement-vary-check", args=[agreement.pk])))
    assert "Condition 3 added: “Publish a sufficiency plan.”" in check
    done = client.post(reverse("programmes:agreement-vary-check", args=[agreement.pk]))
    assert done.url == reverse("programmes:agreement-varied", args=[agreement.pk, 1])
    assert "Variation 1 recorded" in text_of(client.get(done.url))
    page = text_of(client.get(reverse("programmes:agreement", args=[agreement.pk])))
    assert "Variation 1, 1 June 2023 The authority's sufficiency review. Condition 3 added" in page
    assert "3. Publish a sufficiency plan." in page or "Publish a sufficiency plan." in page
    assert AgreementVariation.objects.get().recorded_by == dfe_official


def test_correcting_the_details_keeps_the_terms_and_says_so(client_for, dfe_official, agreement):
    client = client_for(dfe_official)
    page = reverse("programmes:agreement-details", args=[agreement.pk])
    wrong = client.post(
        page,
        {
            "signed_on_0": "15",
            "signed_on_1": "3",
            "signed_on_2": "2022",
            "deficit_at_signing": "1000",
            "published_url": "",
        },
    )
    assert wrong.status_code == 400 and "less than the total DfE contribution" in error_summary(wrong)
    right = client.post(
        page,
        {
            "signed_on_0": "15",
            "signed_on_1": "3",
            "signed_on_2": "2022",
            "deficit_at_signing": "61000000",
            "published_url": "https://www.example.org/v2.pdf",
        },
    )
    assert right.status_code == 302
    assert "The agreement's details are corrected" in text_of(client.get(right.url))
    agreement.refresh_from_db()
    assert agreement.deficit_at_signing == Decimal("61000000.00") and not agreement.variations.exists()


def test_the_variation_page_offers_every_current_target_and_instalment_however_many(client_for, dfe_official):
    years = [FinancialYear(2021 + offset) for offset in range(9)]
    targets = [(year, "1000000", str(-8_000_000 + 1_000_000 * index)) for index, year in enumerate(years)]
    schedule = [(date(2022 + index, 3, 31), "1000000") for index in range(11)]
    agreement = sv_agreement(
        actor=dfe_official, targets=targets, total_contribution="11000000", instalments=schedule
    )
    form = (
        client_for(dfe_official)
        .get(reverse("programmes:agreement-vary", args=[agreement.pk]))
        .content.decode()
    )
    assert 'name="target_9_year" value="2029-30"' in form and 'name="target_10_year"' in form
    assert 'name="instalment_11_amount" value="1000000.00"' in form and 'name="instalment_12_amount"' in form


def test_an_error_on_a_question_of_radios_links_to_its_first_radio(client_for, dfe_official, agreement):
    report = _reports(agreement)[0]
    monitoring_report_submitted(report)
    page = client_for(dfe_official).post(reverse("programmes:report-assess", args=[report.pk]), {})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'href="#id_assessment_1"' in html and 'id="id_assessment_1"' in html
