"""Browser journeys (acceptance, Step 7): a DfE official's tasks end to end, in headless Chromium.

Each journey signs in through the real sign-in form of the live portal and does one task the way a
person would, following links and pressing buttons; after each step it checks what the next page shows
(its heading, the confirmation panel, the new status, a table row, the error summary and where its link
points) and, where it matters, the database (nothing written before the official confirms, nothing
written by a file with a bad row). Every page a journey is shown is checked by tests.browser.Portal:
axe-core at 320 and 1280 px, one h1, nothing fetched from elsewhere, no script errors.

1. Approves a tiering proposal and invites two authorities from it.
2. Records a decline with a reason and replaces the authority; and again with the keyboard alone.
3. Records a Safety Valve agreement whose instalments first do not, then do, add up to the total.
4. Assesses a submitted monitoring report off track and withholds the instalment it puts up, with a
   reason; then releases a later one, which asks for an override reason.
5. Records a variation and sees it on the agreement.
6. Awards a DBV implementation grant.
7. Imports a DSG file with one bad row, sees the row and column, changes nothing, then imports the
   corrected file.
8. Extends one authority's deadline.

Journeys 2 and 8 are also done a second time with the keyboard alone: Tab and Shift+Tab to move, Enter
on links, Enter or Space on buttons, the arrow keys in a list, typing into fields; never a click or a
fill. Journeys 3 to 5 (Safety Valve agreements) are written separately.

Not under frozen time: Chromium's clock is its own, and the session cookie must not look expired to it.
Dates the pages ask for are worked out from today.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from deadlines.models import Deadline
from portal.factories import TEST_PASSWORD
from programmes.factories import (
    cohort,
    dbv_application_submitted,
    enrolment,
    monitoring_report_submitted,
    sv_agreement,
)
from programmes.models import (
    Agreement,
    AgreementVariation,
    Diagnostic,
    DiagnosticStage,
    Enrolment,
    EnrolmentStatus,
    Grant,
    GrantKind,
    PaymentStatus,
    ProgrammeCode,
    ProposalStatus,
    StageStatus,
    Tier,
    TieringPlacement,
    TieringProposal,
)
from programmes.selectors.agreement import instalments
from programmes.services.diagnostic import diagnostic_stage_update
from tests.browser import every_page_passed, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_enrolment(la_code: str, programme: str = ProgrammeCode.DBV) -> Enrolment:
    return Enrolment.objects.open().get(authority__la_code=la_code, cohort__programme__code=programme)


# --- 1. A tiering proposal approved, and two authorities invited from it ---------------------------


def invitable_placements(proposal: TieringProposal, tier: str) -> list[TieringPlacement]:
    """The tier's placements whose authority operates and has no open enrolment, by rank."""
    enrolled = Enrolment.objects.open().values("authority")
    return list(
        proposal.placements.filter(tier=tier, authority__operated_until__isnull=True)
        .exclude(authority__in=enrolled)
        .select_related("authority")
        .order_by("rank")
    )


def test_a_dfe_official_approves_a_tiering_proposal_and_invites_two_authorities_from_it(portal, official):
    sv = cohort(ProgrammeCode.SAFETY_VALVE)
    enrolments_before = Enrolment.objects.count()

    portal.sign_in(official.username)
    portal.visit("/programmes/tiering/")
    assert portal.heading() == "Tiering proposal"
    # The defaults: DfE's published figures of 2020-21, 26 Safety Valve places.
    assert portal.value_of("Reference year") == "2020-21" and portal.value_of("Safety Valve places") == "26"
    portal.submit("Run the proposal")
    proposal = TieringProposal.objects.get()
    assert portal.path() == f"/programmes/tiering/{proposal.pk}/"
    assert portal.heading() == f"Tiering proposal {proposal.pk}"
    assert "Status: Draft" in portal.text()
    assert portal.count("input[name='authority']") == 0  # Nobody to select before it is approved.

    portal.submit("Approve the proposal")
    assert portal.path() == f"/programmes/tiering/{proposal.pk}/"
    assert (
        f"Tiering proposal {proposal.pk} approved. Now choose the authorities to invite in each tier."
        in portal.text(".govuk-notification-banner")
    )
    assert f"Status: Approved (approved by {official.display_name}" in portal.text()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert Enrolment.objects.count() == enrolments_before  # Approving invites nobody.

    first, second = (placement.authority for placement in invitable_placements(proposal, Tier.SV)[:2])
    portal.submit(
        f"Invite the selected {Tier.SV.label} authorities",
        **{f"Select {first.name}": "yes", f"Select {second.name}": "yes"},
    )
    assert portal.heading() == "Invite authorities to a programme"
    assert f"Tiering proposal {proposal.pk}, {Tier.SV.label} tier" in portal.text(".govuk-caption-l")
    for authority in (first, second):
        assert portal.is_checked(f"{authority.name} ({authority.la_code})")
    assert portal.is_checked(f"{sv.programme.name}, {sv.name}")  # The tier's only cohort, chosen already.

    portal.submit("Continue")
    assert portal.heading() == "Check your answers"
    check = portal.text(".govuk-summary-list")
    named = sorted([first, second], key=lambda authority: authority.name)
    assert "Authorities (2) " + " ".join(f"{a.name} ({a.la_code})" for a in named) in check
    assert f"Cohort {sv.programme.name}, {sv.name}" in check
    assert f"From Tiering proposal {proposal.pk} ({proposal.reference_year})" in check
    assert Enrolment.objects.count() == enrolments_before  # Nothing sent before confirming.

    portal.submit("Send the invitations")
    assert portal.text(".govuk-panel") == "Invitations sent 2 authorities invited"
    assert portal.texts("main .govuk-list--bullet li") == [
        f"{a.name} ({a.la_code}): {sv.programme.name}, {sv.name}" for a in named
    ]
    invited = Enrolment.objects.filter(
        authority__in=[first, second], cohort=sv, status=EnrolmentStatus.INVITED
    )
    assert invited.count() == 2 and Enrolment.objects.count() == enrolments_before + 2
    placement = proposal.placements.get(authority=first)
    assert (
        invited.get(authority=first)
        .transitions.get()
        .reason.startswith(
            f"Tiering proposal {proposal.pk} ({proposal.reference_year}): ranked {placement.rank}"
        )
    )

    portal.follow(f"{first.name} ({first.la_code})")
    assert portal.heading() == f"{first.name} Invited"
    assert f"ranked {placement.rank}" in portal.text("main ol")  # The timeline says why.

    portal.visit(f"/programmes/tiering/{proposal.pk}/")
    sv_rows = portal.rows(f"[aria-label='{Tier.SV.label}']")
    for authority in (first, second):
        [row] = [row for row in sv_rows if f"{authority.name} ({authority.la_code})" in row]
        assert row.endswith(f"{sv.programme.name}, {sv.name} Invited"), row
    # Invited, so no longer offered, while other authorities still are.
    assert portal.count(f"input[name='authority'][value='{first.la_code}']") == 0
    assert portal.count("input[name='authority']") > 0
    assert not portal.problems, every_page_passed(portal)


# --- 2. A decline with a reason, and the authority replaced -------------------------------------


def unenrolled_authority() -> LocalAuthority:
    """An operating authority of the register with no open enrolment, to take a place."""
    open_ones = Enrolment.objects.open().values("authority")
    return (
        LocalAuthority.objects.filter(operated_until__isnull=True)
        .exclude(pk__in=open_ones)
        .order_by("name")
        .first()
    )


def test_a_dfe_official_records_a_decline_with_a_reason_and_replaces_the_authority(portal, official):
    declining = open_enrolment("852")  # Southampton, invited into DBV tranche 1 in the reference data
    authority, cohort = declining.authority, declining.cohort
    newcomer = unenrolled_authority()
    enrolment_name = f"{cohort.programme.name}, {cohort.name}"

    portal.sign_in(official.username)
    portal.visit(f"/authorities/{authority.la_code}/")
    assert portal.heading() == authority.name
    assert f"{enrolment_name} Invited" in portal.rows("[aria-labelledby='programmes-caption']")[0]

    portal.follow(enrolment_name)
    assert portal.heading() == f"{authority.name} Invited"
    portal.follow("Record a decline", role="button")
    assert portal.heading() == "Record that the authority declined"

    portal.submit("Continue", status=400)  # No reason given.
    assert portal.error_summary() == [("Enter the reason to decline this enrolment", "#id_reason")]
    assert portal.target_of("#id_reason") == "textarea: Why decline this enrolment?"
    assert portal.inline_errors() == ["Error: Enter the reason to decline this enrolment"]

    reason = (
        "The authority's letter of 3 October declines the place: its recovery plan is with schools forum."
    )
    portal.submit("Continue", **{"Why decline this enrolment?": reason})
    assert portal.heading() == "Check your answers"
    check = portal.text(".govuk-summary-list")
    assert f"Authority {authority.name} ({authority.la_code})" in check
    assert "Status From invited to declined" in check and reason in check
    declining.refresh_from_db()
    assert declining.status == EnrolmentStatus.INVITED  # Nothing is recorded before confirming.

    portal.submit("Confirm and record")
    assert portal.text(".govuk-panel") == f"Decline recorded {authority.name} {enrolment_name}"
    assert f"with the reason: “{reason}”" in portal.text()
    declining.refresh_from_db()
    assert declining.status == EnrolmentStatus.DECLINED
    assert declining.transitions.latest("at").reason == reason

    portal.follow("View this enrolment and its timeline")
    assert portal.heading() == f"{authority.name} Declined"
    assert portal.texts("main ol li h3")[0] == "Declined"
    assert reason in portal.texts("main ol li")[0]
    portal.follow("Replace the authority", role="button")
    assert portal.heading() == "Replace the authority"

    portal.submit("Continue", status=400, **{"Why is it replaced?": "Southampton declined."})
    assert portal.error_summary() == [("Choose the authority that takes the place", "#id_authority")]

    why = "Next on the tiering list once Southampton declined."
    portal.submit(
        "Continue", **{"Which authority takes the place?": newcomer.la_code, "Why is it replaced?": why}
    )
    assert portal.heading() == "Check your answers"
    check = portal.text(".govuk-summary-list")
    assert f"Replaced by {newcomer.name} ({newcomer.la_code}), invited into {cohort.name}" in check
    assert "Status From declined to replaced" in check
    assert not Enrolment.objects.filter(authority=newcomer, cohort=cohort).exists()

    portal.submit("Confirm and record")
    assert portal.text(".govuk-panel") == f"Authority replaced {authority.name} {enrolment_name}"
    assert f"{newcomer.name} is invited into {cohort.name} in its place." in portal.text()

    portal.follow(f"View {newcomer.name}'s enrolment")
    assert portal.heading() == f"{newcomer.name} Invited"
    assert f"Cohort {cohort.name}" in portal.text(".govuk-summary-list")
    assert "Took the place of the enrolment it replaced" in portal.text(".govuk-summary-list")
    replacement = Enrolment.objects.get(authority=newcomer, cohort=cohort)
    declining.refresh_from_db()
    assert (replacement.status, declining.status) == (EnrolmentStatus.INVITED, EnrolmentStatus.REPLACED)
    assert replacement.transitions.get().reason == f"Replaces {authority.label}: {why}"

    portal.follow("the enrolment it replaced")
    assert portal.heading() == f"{authority.name} Replaced"
    assert "Replaced by the enrolment that took its place" in portal.text(".govuk-summary-list")
    assert not portal.problems, every_page_passed(portal)


def test_a_dfe_official_records_a_decline_and_replaces_the_authority_with_the_keyboard_alone(
    portal, official
):
    """Journey 2 again, with no pointer: Tab and Shift+Tab to move, Enter on links, Space on buttons (and
    on links shown as buttons), arrow keys in the list of authorities, typing into fields."""
    declining = open_enrolment("852")
    authority, cohort = declining.authority, declining.cohort
    newcomer = unenrolled_authority()
    reason = "The authority declined the place by letter."

    portal.start_at(f"/authorities/{authority.la_code}/")  # Signed out: the sign-in page, then back here.
    portal.tab_to("Username", role=None)
    portal.type(official.username)
    portal.tab_to("Password", role=None)
    portal.type(TEST_PASSWORD)
    portal.tab_to("Sign in", role="button")
    assert portal.focus_is_visible(), portal.focused()
    portal.press_and_arrive("Space")
    assert portal.heading() == authority.name

    portal.tab_to(f"{cohort.programme.name}, {cohort.name}")
    portal.press_and_arrive("Enter")
    assert portal.heading() == f"{authority.name} Invited"
    portal.tab_to("Record a decline", role="button")  # A link shown as a button: Space follows it too.
    assert portal.focus_is_visible(), portal.focused()
    portal.press_and_arrive("Space")
    assert portal.heading() == "Record that the authority declined"

    portal.tab_to("Why decline this enrolment?", role=None)
    assert portal.focus_is_visible(), portal.focused()
    portal.type(reason)
    portal.tab_to("Continue", role="button")
    portal.press_and_arrive("Enter")
    assert portal.heading() == "Check your answers"
    assert "Status From invited to declined" in portal.text(".govuk-summary-list")
    portal.tab_to("Confirm and record", role="button")
    portal.press_and_arrive("Space")
    assert portal.text(".govuk-panel").startswith("Decline recorded")

    portal.tab_to("View this enrolment and its timeline")
    portal.press_and_arrive("Enter")
    assert portal.heading() == f"{authority.name} Declined"
    portal.tab_to("Replace the authority", role="button")
    portal.press_and_arrive("Enter")
    assert portal.heading() == "Replace the authority"

    portal.tab_to("Continue", role="button")  # Past both questions: nothing answered yet.
    portal.tab_to("Which authority takes the place?", role=None, backwards=True)
    assert portal.focus_is_visible(), portal.focused()
    portal.arrow_to(f"{newcomer.name} ({newcomer.la_code})")
    portal.press("Tab")
    assert portal.focused() == "textarea: Why is it replaced?", portal.focused()
    portal.type("It is next on the tiering list.")
    portal.press("Tab")
    portal.press_and_arrive("Enter")  # Tab from the reason reaches Continue.
    assert portal.heading() == "Check your answers"
    assert f"Replaced by {newcomer.name} ({newcomer.la_code})" in portal.text(".govuk-summary-list")
    portal.tab_to("Confirm and record", role="button")
    portal.press_and_arrive("Enter")
    assert portal.text(".govuk-panel").startswith("Authority replaced")

    portal.tab_to(f"View {newcomer.name}'s enrolment")
    portal.press_and_arrive("Enter")
    assert portal.heading() == f"{newcomer.name} Invited"
    declining.refresh_from_db()
    assert declining.status == EnrolmentStatus.REPLACED
    assert Enrolment.objects.get(authority=newcomer, cohort=cohort).status == EnrolmentStatus.INVITED
    assert not portal.problems, every_page_passed(portal)


TARGETS = "Yearly targets"
INSTALMENTS = "Instalments of the DfE contribution"


# --- 3. A Safety Valve agreement recorded, its instalments first short of the total ------------


def test_a_dfe_official_records_an_agreement_whose_instalments_first_do_not_then_do_add_up(portal, official):
    signed = enrolment(programme=ProgrammeCode.SAFETY_VALVE, status=EnrolmentStatus.ACCEPTED, actor=official)
    name = signed.authority.name

    portal.sign_in(official.username)
    portal.visit(f"/programmes/enrolments/{signed.pk}/")
    portal.follow("Record the signed agreement")
    assert portal.heading() == "Record the signed agreement"

    portal.answer("Signed on", Day="15", Month="3", Year="2022")
    portal.answer(
        **{
            "Deficit at signing, in pounds": "60000000",
            "Total DfE contribution, in pounds": "40000000",
            "Conditions": "Open 120 more specialist places locally.\nReview EHCP thresholds with schools.",
        }
    )
    for number, (year, in_year, cumulative) in enumerate(
        [
            ("2021-22", "-9000000", "-60000000"),
            ("2022-23", "-4000000", "-45000000"),
            ("2023-24", "45000000", "0"),
        ],
        start=1,
    ):
        portal.answer(
            TARGETS,
            f"Target {number}",
            **{
                "Financial year": year,
                "In-year balance, in pounds": in_year,
                "Cumulative balance, in pounds": cumulative,
            },
        )
    portal.answer(INSTALMENTS, "Instalment 1", "Due on", Day="31", Month="3", Year="2022")
    portal.answer(INSTALMENTS, "Instalment 1", **{"Amount, in pounds": "25000000"})
    portal.answer(INSTALMENTS, "Instalment 2", "Due on", Day="15", Month="12", Year="2022")
    portal.answer(INSTALMENTS, "Instalment 2", **{"Amount, in pounds": "10000000"})

    portal.submit("Continue", status=400)
    assert "£5,000,000.00 less than the £40,000,000.00 they must add up to" in portal.text(
        "#instalments-position"
    )
    [(message, href)] = portal.error_summary()
    assert message.startswith("The instalments add up to £35,000,000.00, £5,000,000.00 less than the total")
    assert not Agreement.objects.filter(enrolment=signed).exists()

    portal.answer(INSTALMENTS, "Instalment 2", **{"Amount, in pounds": "15000000"})
    portal.submit("Continue")
    assert portal.heading() == "Check your answers before recording the agreement"
    check = portal.text(".govuk-summary-list")
    assert "£25,000,000.00 due 31 March 2022 £15,000,000.00 due 15 December 2022" in check
    assert "The instalments add up to £40,000,000.00, the total exactly." in portal.text(
        "#instalments-position"
    )
    assert not Agreement.objects.filter(enrolment=signed).exists()  # Nothing before confirming.

    portal.submit("Record the agreement")
    assert portal.text(".govuk-panel") == f"Agreement recorded {name}: £40,000,000 from DfE"
    agreement = Agreement.objects.get(enrolment=signed)
    assert [p.amount for p in instalments(agreement)] == [Decimal("25000000.00"), Decimal("15000000.00")]

    portal.follow("View the agreement")
    assert portal.heading() == "Safety Valve agreement"
    assert portal.texts("#conditions + ol li") == [
        "Open 120 more specialist places locally.",
        "Review EHCP thresholds with schools.",
    ]
    assert len(portal.rows("[aria-labelledby='instalments-caption']")) == 2
    assert not portal.problems, every_page_passed(portal)


# --- 4. An off-track report: one instalment withheld, a later one released with an override -----


def test_a_dfe_official_withholds_after_an_off_track_report_then_releases_a_later_instalment_with_an_override(
    portal, official
):
    agreement = sv_agreement(actor=official)
    report = agreement.monitoring_reports.order_by("due_on").first()
    monitoring_report_submitted(report, actual_cumulative_balance="-66000000.00")
    payments = instalments(agreement)

    portal.sign_in(official.username)
    portal.visit(f"/programmes/agreements/{agreement.pk}/")
    portal.follow("Assess the report due 15 June 2022")
    assert portal.heading() == "Assess the monitoring report due 15 June 2022"
    assert "−£66,000,000" in portal.text(".govuk-summary-list")

    portal.submit("Continue", status=400)
    assert portal.error_summary() == [("Select on track, at risk or off track", "#id_assessment_1")]
    portal.submit("Continue", **{"Off track": "yes", "Comment": "High needs spend is 8% above the plan."})
    assert portal.heading() == "Check your assessment"
    portal.submit("Record the assessment")
    assert portal.text(".govuk-panel__title") == "Assessed off track"
    flagged = payments[1]
    assert (
        f"Instalment {flagged.number} (£8,000,000, due 15 December 2022) is now up for a withhold decision"
        in portal.text()
    )

    portal.follow(f"Decide instalment {flagged.number}")
    assert portal.heading() == f"Decide instalment {flagged.number}"
    assert "releasing this instalment needs an override reason" in portal.text(".govuk-warning-text")
    portal.submit("Continue", **{"Withhold it": "yes", "Reason for the decision": "Condition 1 is not met."})
    assert portal.heading() == "Check your decision"
    portal.submit("Withhold the instalment")
    assert portal.text(".govuk-panel__title") == f"Instalment {flagged.number} withheld"
    flagged.refresh_from_db()
    assert flagged.status == PaymentStatus.WITHHELD and flagged.decision_reason == "Condition 1 is not met."

    later = payments[2]
    portal.follow("View the agreement")
    portal.follow(f"Release or withhold instalment {later.number}")
    portal.submit(
        "Continue", status=400, **{"Release it": "yes", "Reason for the decision": "Recovery plan agreed."}
    )
    [(message, href)] = portal.error_summary()
    assert "was assessed off track: give an override reason" in message and href == "#id_override_reason"
    portal.submit("Continue", **{"Override reason": "The minister agreed the recovery plan on 3 March."})
    assert "Override reason The minister agreed the recovery plan on 3 March." in portal.text(
        ".govuk-summary-list"
    )
    portal.submit("Release the instalment")
    assert portal.text(".govuk-panel__title") == f"Instalment {later.number} released"
    later.refresh_from_db()
    assert later.status == PaymentStatus.RELEASED and later.override_reason.startswith("The minister agreed")

    portal.follow("View the agreement")
    rows = portal.rows("[aria-labelledby='instalments-caption']")
    assert "Withheld" in rows[1] and "Condition 1 is not met." in rows[1]
    assert (
        "Released" in rows[2] and "(override: The minister agreed the recovery plan on 3 March.)" in rows[2]
    )
    assert not portal.problems, every_page_passed(portal)


# --- 5. A variation recorded and seen on the agreement ---------------------------------------


def test_a_dfe_official_records_a_variation_and_sees_it_on_the_agreement(portal, official):
    agreement = sv_agreement(actor=official)

    portal.sign_in(official.username)
    portal.visit(f"/programmes/agreements/{agreement.pk}/")
    assert "None: the terms below are as signed" in portal.text(".govuk-summary-list")
    portal.follow("Record a variation of the agreement")
    assert portal.heading() == "Record a variation"
    assert portal.value_of("Conditions").splitlines() == [
        "Open more specialist places locally.",
        "Review EHCP thresholds with schools.",
    ]

    portal.answer("Date of the variation", Day="1", Month="6", Year="2023")
    portal.answer(**{"Why is the agreement being varied?": "The authority's sufficiency review."})
    portal.answer(TARGETS, "Target 3", **{"Cumulative balance, in pounds": "-28000000.00"})
    portal.submit("Continue")
    assert portal.heading() == "Check the variation before recording it"
    assert portal.texts(".govuk-summary-list .govuk-list--bullet li") == [
        "Target for 2023-24 changed: cumulative balance from −£25,000,000.00 to −£28,000,000.00"
    ]
    assert not AgreementVariation.objects.exists()

    portal.submit("Record the variation")
    assert portal.text(".govuk-panel__title") == "Variation 1 recorded"
    portal.follow("View the agreement")
    assert "1: the terms below are as varied on 1 June 2023" in portal.text(".govuk-summary-list")
    assert "Variation 1, 1 June 2023" in portal.text("main")
    [row] = [row for row in portal.rows("[aria-labelledby='targets-caption']") if row.startswith("2023-24")]
    assert "−£28,000,000" in row
    variation = AgreementVariation.objects.get()
    assert (variation.number, variation.varied_on, variation.recorded_by) == (1, date(2023, 6, 1), official)
    assert not portal.problems, every_page_passed(portal)


# --- 6. A DBV implementation grant awarded ------------------------------------------------------


def test_a_dfe_official_awards_a_dbv_grant_from_the_diagnostic(portal, official):
    enrolment = open_enrolment("852")  # Southampton, DBV tranche 1
    authority = enrolment.authority
    dbv_application_submitted(enrolment, actor=official)  # Stages 1-11 complete: the grant can be awarded.
    diagnostic = Diagnostic.objects.get(enrolment=enrolment)
    awarded_on = today() - timedelta(days=7)
    first_due, second_due = today() + timedelta(days=30), today() + timedelta(days=200)

    portal.sign_in(official.username)
    portal.visit(f"/programmes/diagnostics/{diagnostic.pk}/")
    assert "The grant application is submitted (stage 11 is complete)." in portal.text()
    portal.follow("Award the implementation grant", role="button")
    assert portal.heading() == "Award the implementation grant"

    portal.answer(**{"Grant amount, in pounds": "1,250,000.00"})
    portal.answer_date("Awarded on", on=awarded_on)
    portal.answer_date("Payment 1", "Due on", on=first_due)
    portal.answer("Payment 1", **{"Amount, in pounds": "500000.00"})
    portal.answer_date("Payment 2", "Due on", on=second_due)
    portal.answer("Payment 2", **{"Amount, in pounds": "700000.00"})  # £50,000 short of the grant.
    portal.submit("Continue")
    assert portal.heading() == "Check your answers before awarding the grant"
    check = portal.text(".govuk-summary-list")
    assert "Grant amount £1,250,000.00" in check
    assert f"Awarded on {awarded_on:%-d %B %Y}" in check
    assert f"Payment 1 £500,000.00 due on {first_due:%-d %B %Y}" in check
    assert f"Payment 2 £700,000.00 due on {second_due:%-d %B %Y}" in check

    portal.submit("Award the grant", status=400)  # The service refuses payments that do not add up.
    assert portal.heading() == "Award the implementation grant"
    short = "The instalments add up to £1,200,000.00, £50,000.00 less than the grant amount of £1,250,000.00"
    assert any(short in message for message, _ in portal.error_summary()), portal.error_summary()
    assert portal.value_of("Grant amount, in pounds") == "1,250,000.00"  # The answers stay, to be corrected.
    assert not Grant.objects.filter(enrolment=enrolment).exists()

    # The corrected answers are taken: the question page shown after the refusal sends them to itself.
    portal.answer("Payment 2", **{"Amount, in pounds": "750000.00"})
    portal.submit("Continue")
    assert f"Payment 2 £750,000.00 due on {second_due:%-d %B %Y}" in portal.text(".govuk-summary-list")
    assert not Grant.objects.filter(enrolment=enrolment).exists()

    portal.submit("Award the grant")
    assert portal.text(".govuk-panel") == f"Grant awarded £1,250,000 to {authority.name}"
    assert portal.rows() == [
        f"1 {first_due:%-d %B %Y} £500,000.00",
        f"2 {second_due:%-d %B %Y} £750,000.00",
    ]
    grant = Grant.objects.get(enrolment=enrolment, kind=GrantKind.DBV_IMPLEMENTATION)
    assert (grant.amount, grant.awarded_on, grant.awarded_by) == (Decimal("1250000.00"), awarded_on, official)
    assert [(p.due_on, p.amount) for p in grant.payments.order_by("number")] == [
        (first_due, Decimal("500000.00")),
        (second_due, Decimal("750000.00")),
    ]

    portal.follow(f"Back to {authority.name}'s Diagnostic")
    assert "Award the implementation grant" not in portal.text()  # Awarded: no longer offered.
    stage_12 = DiagnosticStage.objects.get(diagnostic=diagnostic, definition__number=12)
    assert (stage_12.status, stage_12.actual_date) == (StageStatus.COMPLETE, awarded_on)
    assert not portal.problems, every_page_passed(portal)


# --- 7. A DSG file with one bad row, then the corrected file --------------------------------------

HEADER = "la_code,financial_year,source,total_dsg_allocation,cumulative_balance\n"


def csv_file(rows: str) -> dict:
    return {"name": "figures.csv", "mimeType": "text/csv", "buffer": (HEADER + rows).encode()}


def la_return_figures(la_codes) -> list[tuple]:
    """The LA-return DSG figures of these authorities, with their history rows: what an import would change."""
    figures = DsgFigure.objects.filter(source=FigureSource.LA_RETURN, authority__la_code__in=la_codes)
    return [
        *figures.order_by("authority__la_code").values_list(
            "authority__la_code", "financial_year", "total_dsg_allocation"
        ),
        DsgFigure.history.filter(source=FigureSource.LA_RETURN).count(),
    ]


def test_a_dfe_official_imports_a_dsg_file_with_a_bad_row_then_the_corrected_file(portal, official):
    codes = ["301", "302", "370"]
    names = {la.la_code: la.name for la in LocalAuthority.objects.filter(la_code__in=codes)}
    before = la_return_figures(codes)
    bad = csv_file(
        "301,2022-23,la_return,250000000.00,-1234567.89\n302,2022-23,la_return,twelve pounds,-20.5\n"
    )
    good = csv_file(
        "301,2022-23,la_return,250000000.00,-1234567.89\n"
        "302,2022-23,la_return,310000000,-20.5\n"
        '370,2022-23,LA return,"1,250,000.10",0\n'
    )

    portal.sign_in(official.username)
    portal.visit("/imports/")
    assert portal.heading() == "Import data"
    portal.submit("Upload and preview", **{"DSG figures": "yes", "Upload a file": bad})
    assert portal.heading() == "The file has problems"
    [(message, href)] = portal.error_summary()
    assert message.startswith("Row 3, column total_dsg_allocation:"), message
    assert href == "#problem-1"
    # The link points at the problem's row of the table: row 3 of the file, its column, and what is wrong.
    problem = portal.text("#problem-1")
    assert problem.startswith("3 total_dsg_allocation "), problem
    assert "Rows with errors 1" in portal.text(".govuk-summary-list")
    assert portal.count("button:has-text('Confirm and import')") == 0
    assert la_return_figures(codes) == before  # Nothing written.

    portal.follow("Upload a corrected file", role="button")
    assert portal.path() == "/imports/?kind=dsg-figures"
    assert portal.is_checked("DSG figures")  # The kind stays chosen.
    portal.submit("Upload and preview", **{"Upload a file": good})
    assert portal.heading() == "Check the import"
    assert portal.error_summary() == []
    summary = portal.text(".govuk-summary-list")
    assert "New rows 3" in summary and "Rows with errors 0" in summary
    assert [row.split(" ", 2)[:2] for row in portal.rows("#rows")] == [
        ["2", "New"],
        ["3", "New"],
        ["4", "New"],
    ]
    assert la_return_figures(codes) == before  # A preview writes nothing.

    portal.submit("Confirm and import")
    assert portal.path() == "/imports/done/"
    assert portal.text(".govuk-panel") == "Import complete DSG figures from figures.csv"
    assert "New rows 3" in portal.text(".govuk-summary-list")
    figures = DsgFigure.objects.filter(source=FigureSource.LA_RETURN, authority__la_code__in=codes)
    assert sorted(figures.values_list("authority__la_code", "total_dsg_allocation")) == [
        ("301", Decimal("250000000.00")),
        ("302", Decimal("310000000.00")),
        ("370", Decimal("1250000.10")),
    ]
    assert {f.history.latest().history_user for f in figures} == {official}

    portal.visit("/authorities/370/")  # The figure is on the authority's page.
    assert portal.heading() == names["370"]
    assert "£1,250,000" in portal.text()
    assert not portal.problems, every_page_passed(portal)


# --- 8. One authority's deadline extended ---------------------------------------------------------


def planned_stage_deadline(la_code: str, *, actor, due_on: date) -> Deadline:
    """Stage 2 of the authority's DBV Diagnostic planned for `due_on` through its service: its deadline."""
    stage = DiagnosticStage.objects.get(diagnostic__enrolment=open_enrolment(la_code), definition__number=2)
    diagnostic_stage_update(actor=actor, stage=stage, planned_date=due_on)
    return Deadline.objects.get(source_id=stage.pk, kind="diagnostic_stage")


def test_a_dfe_official_extends_one_authoritys_deadline(portal, official):
    due_on = today() + timedelta(days=30)
    later = due_on + timedelta(days=14)
    deadline = planned_stage_deadline("207", actor=official, due_on=due_on)
    other = planned_stage_deadline("852", actor=official, due_on=due_on)
    authority = deadline.authority

    portal.sign_in(official.username)
    portal.visit(f"/authorities/{authority.la_code}/")
    table = "[aria-labelledby='deadlines-caption']"
    assert portal.rows(table) == [f"{deadline.title} {due_on:%-d %b %Y} Extend {deadline.title}"]

    portal.follow(f"Extend {deadline.title}")
    assert portal.heading() == "Extend the deadline"
    assert f"Due now {due_on:%-d %B %Y}" in portal.text(".govuk-summary-list")

    portal.submit("Continue", status=400)  # Nothing entered.
    assert [message for message, _ in portal.error_summary()] == [
        "Enter the new due date",
        "Enter why the deadline is being extended",
    ]
    date_link = portal.error_summary()[0][1]
    assert portal.target_of(date_link) == "input: Day", date_link

    portal.answer_date("New due date", on=due_on - timedelta(days=1))  # Earlier: refused.
    reason = "The authority's finance lead is on leave until the end of the month."
    portal.submit("Continue", status=400, **{"Why is the deadline being extended?": reason})
    [(message, href)] = portal.error_summary()
    assert message == f"The new due date must be after the current one, {due_on:%-d %B %Y}", message
    assert href == date_link  # To the date's first field again.
    assert portal.value_of("Why is the deadline being extended?") == reason

    portal.answer_date("New due date", on=later)
    portal.submit("Continue")
    assert portal.heading() == "Check the extension before you make it"
    check = portal.text(".govuk-summary-list")
    assert f"New due date {later:%-d %B %Y}" in check and f"Reason {reason}" in check
    deadline.refresh_from_db()
    assert deadline.due_on == due_on  # Nothing written yet.

    portal.submit("Extend the deadline")
    assert portal.text(".govuk-panel") == f"Deadline extended Now due on {later:%-d %B %Y}"
    assert f"The reason you gave: {reason}" in portal.text()

    portal.follow(f"Back to {authority.name}")
    assert portal.rows(table) == [
        f"{deadline.title} {later:%-d %b %Y} Extended, was {due_on:%-d %b %Y} Extend {deadline.title}"
    ]
    deadline.refresh_from_db()
    other.refresh_from_db()
    assert (deadline.due_on, deadline.source_due_on, deadline.extension_reason) == (later, due_on, reason)
    assert deadline.history.latest().history_user == official
    assert other.due_on == due_on  # Only that authority's deadline moved.
    assert not portal.problems, every_page_passed(portal)


def test_a_dfe_official_extends_a_deadline_with_the_keyboard_alone(portal, official):
    """Journey 8 again, with no pointer: Tab and Shift+Tab to move, Enter on links, Enter or Space on
    buttons, typing into fields. The focus is seen on each kind of element it reaches."""
    due_on = today() + timedelta(days=30)
    later = due_on + timedelta(days=21)
    deadline = planned_stage_deadline("207", actor=official, due_on=due_on)
    authority = deadline.authority
    reason = "Waiting for the schools forum to meet."

    portal.start_at(f"/authorities/{authority.la_code}/")  # Signed out: the sign-in page, then back here.
    assert portal.heading() == "Sign in"
    portal.tab_to("Username", role=None)
    assert portal.focus_is_visible(), portal.focused()
    portal.type(official.username)
    portal.tab_to("Password", role=None)
    portal.type(TEST_PASSWORD)
    portal.press_and_arrive("Enter")  # Enter in a field submits its form.
    assert portal.path() == f"/authorities/{authority.la_code}/"
    assert portal.heading() == authority.name

    portal.tab_to(f"Extend {deadline.title}")
    assert portal.focus_is_visible(), portal.focused()
    portal.press_and_arrive("Enter")
    assert portal.heading() == "Extend the deadline"

    portal.tab_to("Continue", role="button")
    assert portal.focus_is_visible(), portal.focused()
    portal.press_and_arrive("Space", status=400)  # Nothing entered.
    assert portal.focused().startswith("div: There is a problem"), (
        portal.focused()
    )  # The summary has the focus.
    portal.tab_to("Enter why the deadline is being extended")
    portal.press("Enter")  # The error's link takes the focus to its field.
    assert portal.focused() == "textarea: Why is the deadline being extended?", portal.focused()
    assert portal.focus_is_visible()
    portal.type(reason)
    portal.tab_to("Day", role=None, backwards=True)  # Back up to the date, before the reason.
    portal.type(str(later.day))
    portal.tab_to("Month", role=None)
    portal.type(str(later.month))
    portal.tab_to("Year", role=None)
    portal.type(str(later.year))
    portal.tab_to("Continue", role="button")
    portal.press_and_arrive("Enter")
    assert portal.heading() == "Check the extension before you make it"
    assert f"New due date {later:%-d %B %Y}" in portal.text(".govuk-summary-list")

    portal.tab_to("Extend the deadline", role="button")
    portal.press_and_arrive("Space")
    assert portal.text(".govuk-panel") == f"Deadline extended Now due on {later:%-d %B %Y}"

    portal.tab_to(f"Back to {authority.name}")
    portal.press_and_arrive("Enter")
    assert portal.heading() == authority.name
    assert f"{later:%-d %b %Y} Extended, was {due_on:%-d %b %Y}" in portal.text(
        "[aria-labelledby='deadlines-caption']"
    )
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.extension_reason) == (later, reason)
    assert not portal.problems, every_page_passed(portal)
