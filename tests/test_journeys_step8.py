"""Browser journeys (acceptance, Step 8): the other roles' tasks end to end, in headless Chromium.

Each journey signs in through the real sign-in form of the live portal and does one task the way a
person would, following links and pressing buttons; after each step it checks what the next page shows
(its heading, the confirmation panel, a table row, the figure) and, where it matters, the database.
Every page a journey is shown is checked by tests.browser.Portal: axe-core at 320 and 1280 px, one h1,
no sideways scrolling at 320 px, nothing fetched from elsewhere, no script errors.

2. An LA finance lead submits a DSG return and sees it on the trajectory chart of their authority.
3. A delivery partner logs a stakeholder engagement and a training session, and the programme's training
   feedback figure changes as the counts say.
4. A steering group member marks their action done, and its deadline closes.
5. An LA finance lead completes a self-assessment, and a DfE official sees its ratings in the comparison.

(Journey 1, monitoring returns with sign-off, is not built yet.)

Not under frozen time: Chromium's clock is its own, and the session cookie must not look expired to it.
Dates the pages ask for are worked out from today. Every record a journey starts from is made here with
the factories; the reference data has no training sessions, LA returns, self-assessments or actions.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from authorities.factories import FinanceLeadFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from deadlines.models import Deadline
from portal.factories import DeliveryPartnerFactory, SteeringMemberFactory
from portal.financial_year import FinancialYear
from portal.roles import DeliveryPartner
from programmes.factories import dbv_training_session
from programmes.models import (
    Diagnostic,
    FocusArea,
    SelfAssessment,
    StakeholderEngagement,
    TrainingSession,
)
from steering.factories import steering_action
from steering.models import Action, ActionStatus
from tests.browser import every_page_passed, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIGURE = "{share}% of {responses} delegate responses rated the training very good or exceptional."
NAVIGATION = ".govuk-service-navigation"


def dbv_diagnostic(la_code: str) -> Diagnostic:
    return Diagnostic.objects.get(
        enrolment__authority__la_code=la_code, enrolment__cohort__programme__code="DBV"
    )


# --- 2. An LA finance lead submits a DSG return and sees it on the trajectory chart -------------

CHART = "#trajectory-chart"
YEAR = "2022-23"


def chart_markers(portal, series: str, year: str) -> list[str | None]:
    """The exact values of the chart's markers of `series` in `year` (none, or one)."""
    return portal.attributes(f'{CHART} g[data-series="{series}"][data-x="{year}"]', "data-value")


def trajectory_row(year: str) -> str:
    """The selector of the year's row of the table under the chart."""
    return f'table[data-trajectory="trajectory-chart"] tr[data-year="{year}"]'


ROW = trajectory_row(YEAR)


def table_row(portal, year: str) -> str:
    return portal.text(trajectory_row(year))


def test_an_la_finance_lead_submits_a_dsg_return_and_sees_it_on_the_trajectory_chart(portal):
    kensington = LocalAuthority.objects.get(la_code="207")
    lead = FinanceLeadFactory(authority=kensington, first_name="Lee", last_name="Lead")
    # DfE publishes no cumulative balance after 2021-22: before the return, 2022-23 has none.
    assert not DsgFigure.objects.filter(
        authority=kensington, financial_year=FinancialYear(2022), cumulative_balance__isnull=False
    ).exists()

    portal.sign_in(lead.username)
    portal.follow("Your authority", within=NAVIGATION)
    assert portal.path() == "/authorities/207/"
    assert portal.heading() == "Kensington and Chelsea"
    # DfE published the year's allocation but no balance: an actual year with nothing to draw.
    assert chart_markers(portal, "Actual", YEAR) == []
    assert table_row(portal, YEAR) == f"{YEAR} Actual Published by DfE — —"
    assert portal.attributes(f"{ROW} td[data-column='cumulative']", "data-value") == [None]

    portal.follow("Submit a DSG return")
    assert portal.path() == "/authorities/207/dsg-return/"
    assert portal.heading() == "Submit a DSG return"
    portal.answer(
        **{
            "Financial year": YEAR,
            "Total DSG allocation, in pounds": "251000000",
            "High needs block allocation, in pounds": "56000000",
            "In-year DSG balance, in pounds": "-2250000",
            "Cumulative DSG balance, in pounds": "-14250000",
            "Usable reserves, in pounds": "9000000",
            "Notes (optional)": "Month 12 outturn.",
        }
    )
    portal.submit("Continue")
    assert portal.path() == "/authorities/207/dsg-return/check/"
    assert portal.heading() == "Check your answers before submitting the return"
    check = portal.text(".govuk-summary-list")
    assert f"Financial year {YEAR}" in check
    assert "Total DSG allocation £251,000,000.00" in check
    assert "Cumulative DSG balance −£14,250,000.00" in check
    assert "Usable reserves £9,000,000.00" in check
    assert not DsgFigure.objects.filter(authority=kensington, source=FigureSource.LA_RETURN).exists()

    portal.submit("Submit the return")
    figure = DsgFigure.objects.get(authority=kensington, source=FigureSource.LA_RETURN)
    assert portal.path() == f"/authorities/207/dsg-return/submitted/{figure.pk}/"
    assert portal.heading() == "DSG return submitted"
    assert portal.text(".govuk-panel__body") == f"Kensington and Chelsea, {YEAR}"
    assert "In-year DSG balance −£2,250,000.00" in portal.text(".govuk-summary-list")
    assert (figure.financial_year, figure.cumulative_balance, figure.usable_reserves) == (
        FinancialYear(2022),
        Decimal("-14250000.00"),
        Decimal("9000000.00"),
    )
    assert figure.history.first().history_user == lead

    portal.follow("See the DSG position of Kensington and Chelsea")
    assert portal.path() == "/authorities/207/#dsg"
    # The chart draws the return as the year's actual figure, and its table says where it came from.
    assert [Decimal(value) for value in chart_markers(portal, "Actual", YEAR)] == [Decimal("-14250000")]
    assert chart_markers(portal, "Forecast", YEAR) == []
    assert portal.attributes(ROW, "data-kind") == ["actual"]
    assert table_row(portal, YEAR).startswith(f"{YEAR} Actual LA return −£14,250,000")
    assert [Decimal(v) for v in portal.attributes(f"{ROW} td[data-column='cumulative']", "data-value")] == [
        Decimal("-14250000")
    ]
    assert not portal.problems, every_page_passed(portal)


# --- 3. A partner logs an engagement and a training session; the programme's figure follows -----


def test_a_partner_logs_an_engagement_and_a_training_session_and_the_programme_figure_changes(
    portal, official
):
    partner = DeliveryPartnerFactory(
        organisation=DeliveryPartner.NEWTON, first_name="Nia", last_name="Partner"
    )
    kensington = dbv_diagnostic("207")
    # Already logged elsewhere: 2 exceptional + 4 very good of 10 responses = 6 / 10 = 60.0%.
    dbv_training_session(
        dbv_diagnostic("852"),
        held_on=today() - timedelta(days=30),
        exceptional=2,
        very_good=4,
        good=3,
        fair=1,
        actor=official,
    )
    before = FIGURE.format(share="60.0", responses=10)
    held_on = today() - timedelta(days=3)
    held = f"{held_on.day} {held_on:%B %Y}"

    portal.sign_in(partner.username)
    assert f"Training feedback across the programme: {before}" in portal.text()
    # The link's hidden ": Diagnostic" is positioned out of the line, so Chromium names it with a space.
    portal.follow(re.compile(r"^Kensington and Chelsea ?: Diagnostic$"))
    assert portal.path() == f"/programmes/diagnostics/{kensington.pk}/"
    assert portal.heading() == "Kensington and Chelsea"
    assert f"Training feedback across the programme: {before}" in portal.text()
    assert (
        "No engagements logged yet." in portal.text() and "No training sessions logged yet." in portal.text()
    )

    # The engagement: question page, check your answers, back on the Diagnostic with its row.
    portal.follow("Log a stakeholder engagement")
    assert portal.path() == f"/programmes/diagnostics/{kensington.pk}/engagements/new/"
    assert portal.heading() == "Log a stakeholder engagement"
    portal.answer(**{"Parent carer forum involved": "yes"})
    portal.answer_date("When was it held?", on=held_on)
    portal.answer(**{"Notes (optional)": "The forum backed the plan for transitions."})
    portal.submit("Continue")
    assert portal.heading() == "Check your answers before logging the engagement"
    check = portal.text(".govuk-summary-list")
    assert "Engagement Parent carer forum involved" in check and f"Held on {held}" in check
    assert "Notes The forum backed the plan for transitions." in check
    assert not StakeholderEngagement.objects.filter(diagnostic=kensington).exists()
    portal.submit("Log the engagement")
    assert portal.path() == f"/programmes/diagnostics/{kensington.pk}/"
    assert portal.text(".govuk-notification-banner") == (
        f"Success Engagement logged: parent carer forum involved, {held}."
    )
    assert portal.text("#engagements-caption") == "1 engagement, newest first"
    assert portal.rows("table:has(#engagements-caption)") == [
        f"{held} Parent carer forum involved The forum backed the plan for transitions. Nia Partner"
    ]
    engagement = StakeholderEngagement.objects.get(diagnostic=kensington)
    assert (engagement.kind, engagement.held_on, engagement.logged_by) == (
        "parent_carer_forum",
        held_on,
        partner,
    )
    # An engagement is no training feedback: the figure has not moved.
    assert f"Training feedback across the programme: {before}" in portal.text()

    # The training session: 7 exceptional + 5 very good of 15 responses.
    portal.follow("Log a training session")
    assert portal.path() == f"/programmes/diagnostics/{kensington.pk}/training/new/"
    assert portal.heading() == "Log a training session"
    portal.answer(**{"Module 2": "yes"})
    portal.answer_date("When was it held?", on=held_on)
    # Every count left at 0 is no feedback: the page says so, and its summary links to the first count.
    portal.submit("Continue", status=400)
    message = "Enter the number of delegates who gave each rating: at least one response is needed"
    [(summary, href)] = portal.error_summary()
    assert summary == message and portal.target_of(href) == "input: Exceptional"
    assert portal.inline_errors() == [f"Error: {message}"]
    assert portal.is_checked("Module 2") and portal.value_of("Day") == str(held_on.day)
    portal.answer(Exceptional="7", **{"Very good": "5"}, Good="2", Fair="0", Poor="1")
    portal.submit("Continue")
    assert portal.heading() == "Check your answers before logging the training session"
    check = portal.text(".govuk-summary-list")
    assert "Module Module 2" in check and f"Held on {held}" in check
    assert "Exceptional 7 delegates" in check and "Fair 0 delegates" in check and "Poor 1 delegate" in check
    assert "Responses 15, of which 12 very good or exceptional" in check
    assert not TrainingSession.objects.filter(diagnostic=kensington).exists()
    portal.submit("Log the training session")

    session = TrainingSession.objects.get(diagnostic=kensington)
    assert portal.path() == f"/programmes/training-sessions/{session.pk}/logged/"
    assert (
        session.module,
        session.exceptional,
        session.very_good,
        session.good,
        session.fair,
        session.poor,
    ) == (
        2,
        7,
        5,
        2,
        0,
        1,
    )
    # After: (6 + 12) very good or exceptional of (10 + 15) responses = 18 / 25 = 72.0%.
    after = FIGURE.format(share="72.0", responses=25)
    assert portal.heading() == "Training session logged"
    assert portal.text(".govuk-panel__body") == f"Kensington and Chelsea: module 2, {held}, 15 responses"
    assert "12 of this session's 15 delegate responses rated it very good or exceptional." in portal.text()
    assert f"Across the programme, {after}" in portal.text()

    portal.follow("Back to Kensington and Chelsea's Diagnostic")
    assert portal.text("#training-caption") == "1 training session, newest first"
    assert portal.rows("table:has(#training-caption)") == [f"{held} Module 2 15 12"]
    assert f"Training feedback across the programme: {after}" in portal.text()
    portal.follow("Home", within=NAVIGATION)
    assert f"Training feedback across the programme: {after}" in portal.text()
    assert not portal.problems, every_page_passed(portal)


# --- 4. A steering group member marks their action done ---------------------------------------


def test_a_steering_member_marks_their_action_done_and_its_deadline_closes(portal, official):
    member = SteeringMemberFactory(first_name="Sam", last_name="Member")
    due_on = today() + timedelta(days=20)
    action = steering_action(
        owner=member,
        actor=official,
        description="Share the sector's views on the training modules.",
        due_on=due_on,
    )
    steering_action(
        actor=official, description="Someone else's action: draft the annual report.", due_on=due_on
    )
    deadline = Deadline.objects.get(kind="steering_action", source_id=action.pk)
    assert deadline.closed_at is None

    portal.sign_in(member.username)
    # On their home: the action's deadline, due in the next 60 days, and the action to update.
    assert deadline.title in portal.text("#your-deadlines ~ .portal-table-scroll")
    assert "Share the sector's views on the training modules." in portal.text()
    portal.follow("Steering group", within=NAVIGATION)
    assert portal.path() == "/steering-group/"
    assert portal.texts("#your-actions + ul li") == [
        f"Share the sector's views on the training modules. due {due_on.day} {due_on:%B %Y} Open"
    ]

    portal.follow("Share the sector's views on the training modules.", within="#your-actions + ul")
    assert portal.path() == f"/steering-group/actions/{action.pk}/"
    assert portal.heading() == "Update the action"
    assert "Owner Sam Member (you)" in portal.text(".govuk-summary-list")
    portal.answer(Done="yes", **{"Progress note": "Views gathered from the sector and sent to DfE."})
    portal.submit("Save the update")
    assert portal.path() == f"/steering-group/actions/{action.pk}/updated/"
    assert portal.heading() == "Action marked done"
    assert portal.text(".govuk-panel__body") == "Status: Done"
    assert "Its deadline is closed." in portal.text()

    action.refresh_from_db()
    deadline.refresh_from_db()
    assert (action.status, action.update) == (
        ActionStatus.DONE,
        "Views gathered from the sector and sent to DfE.",
    )
    assert deadline.closed_at is not None
    assert Action.objects.exclude(pk=action.pk).get().status == ActionStatus.OPEN  # the other is untouched

    portal.follow("View the action")
    assert portal.heading() == "Update the action"
    summary = portal.text(".govuk-summary-list")
    assert (
        "Status Done" in summary
        and "Progress note Views gathered from the sector and sent to DfE." in summary
    )
    portal.follow("Home", within=NAVIGATION)
    # Its deadline is no longer one they must act on, nor the action one to update.
    assert "You have no overdue deadlines and none due in the next 60 days." in portal.text()
    assert portal.count("#your-steering-actions") == 0
    assert not portal.problems, every_page_passed(portal)


# --- 5. An LA finance lead completes a self-assessment; DfE sees it in the comparison ----------

RATINGS = ["Amber", "Red", "Green", "Amber", "Green"]


def test_an_la_finance_lead_completes_a_self_assessment_and_dfe_sees_it_in_the_comparison(
    portal, second_portal, official
):
    kensington = LocalAuthority.objects.get(la_code="207")
    lead = FinanceLeadFactory(authority=kensington, first_name="Lee", last_name="Lead")
    areas = list(FocusArea.objects.order_by("number"))
    assert len(areas) == len(RATINGS) == 5

    portal.sign_in(lead.username)
    portal.follow("its self-assessment")
    assert portal.path() == "/programmes/self-assessment/"
    assert portal.heading() == "Self-assessment against the five focus areas"
    assert "You have completed 0 of 5 areas." in portal.text()
    for done, (area, rating) in enumerate(zip(areas, RATINGS, strict=True), start=1):
        portal.follow(f"{area.number}. {area.short_name}")
        assert portal.path() == f"/programmes/self-assessment/{area.number}/"
        assert portal.heading() == area.title
        if done == 1:  # Saved with no answer: both questions say what is missing, and nothing is kept.
            portal.submit("Save and return to the task list", status=400)
            assert [message for message, _href in portal.error_summary()] == [
                f"Select red, amber or green for “{area.short_name}”",
                f"Enter a comment on “{area.short_name}”",
            ]
            # (The rating's link, #id_rating_1, has no target: the radios are id_rating_1_1 and on. The
            # shared error summary links every radio question so; reported, not checked here.)
            assert portal.target_of(portal.error_summary()[1][1]) == "textarea: Comment"
        portal.answer(**{rating: "yes", "Comment": f"Our position on {area.short_name.lower()}."})
        portal.submit("Save and return to the task list")
        assert portal.path() == "/programmes/self-assessment/"
        assert f"You have completed {done} of 5 areas." in portal.text()
        assert portal.text(f"#area-{area.number}-status") == "Completed"
    assert not SelfAssessment.objects.filter(authority=kensington).exists()  # nothing before submitting

    portal.follow("Check your answers")
    assert portal.path() == "/programmes/self-assessment/check/"
    assert portal.heading() == "Check your answers before submitting the self-assessment"
    rows = portal.texts(".govuk-summary-list__row")
    for row, area, rating in zip(rows, areas, RATINGS, strict=True):
        assert row.startswith(f"{area.number}. {area.short_name} {rating} Our position on"), row
    portal.submit("Submit the self-assessment")

    submitted = SelfAssessment.objects.get(authority=kensington)
    assert portal.path() == f"/programmes/self-assessments/{submitted.pk}/submitted/"
    assert portal.heading() == "Self-assessment submitted"
    assert portal.text(".govuk-panel__body").startswith("Kensington and Chelsea, ")
    assert submitted.submitted_by == lead
    assert [(a.focus_area.number, a.rating) for a in submitted.answers.order_by("focus_area__number")] == [
        (area.number, rating.lower()) for area, rating in zip(areas, RATINGS, strict=True)
    ]
    assert not portal.problems, every_page_passed(portal)

    # A DfE official, in a browser session of their own, sees the ratings beside other authorities'.
    second_portal.sign_in(official.username)
    second_portal.follow("Self-assessments compared")
    assert second_portal.path() == "/programmes/self-assessments/"
    assert second_portal.heading() == "Self-assessments compared"
    assert second_portal.text("#comparison-caption") == "1 authority, latest self-assessment each"
    [row] = second_portal.rows("table:has(#comparison-caption)")
    submitted_on = timezone.localtime(submitted.submitted_at).date()
    assert row == (
        f"Kensington and Chelsea Delivering Better Value in SEND {submitted_on.day} {submitted_on:%b %Y} "
        + " ".join(RATINGS)
    )
    second_portal.follow("Kensington and Chelsea", within="table:has(#comparison-caption)")
    assert second_portal.path() == f"/programmes/self-assessments/{submitted.pk}/"
    assert "Our position on" in second_portal.text()
    assert not second_portal.problems, every_page_passed(second_portal)
