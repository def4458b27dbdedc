"""Every page of the portal meets WCAG 2.2 AA as far as axe-core can tell, for each role that sees it.

For each role, the test signs in through the real sign-in form of the live portal in headless
Chromium (driven by Playwright), visits the pages that role sees, and on each page runs the vendored
axe-core (tests/vendor/axe-core/) with every rule it has (the WCAG 2.0, 2.1 and 2.2 A and AA rules
and its best practices, like `region`: all content in a landmark), 320 and 1280 pixels wide. It
also checks that no page is wider than 320 pixels at 320 (a wide table scrolls in its own labelled,
focusable region instead), that each page has a `lang`, exactly one h1, fetched nothing from
anywhere but the portal and loaded all it asked for, and that GOV.UK Frontend's scripts started
without an error. A failure lists every problem on every page the role visited: axe's rule, help
and the elements at fault.

axe finds perhaps a third to a half of WCAG failures; the rest (keyboard use, focus order,
meaningful wording, zoom) still need a person with a browser and a screen reader.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from authorities.factories import ContactFactory, DsgFigureFactory, FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import ContactRole, FigureSource, LocalAuthority
from deadlines.models import Deadline
from portal.factories import DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import DeliveryPartner
from programmes.factories import (
    cohort,
    dbv_progress,
    dbv_training_session,
    monitoring_report_assessed,
    monitoring_report_submitted,
    self_assessment,
    sv_agreement,
)
from programmes.factories import enrolment as programme_enrolment
from programmes.models import (
    Agreement,
    Assessment,
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
    Enrolment,
    ProgrammeCode,
    SelfAssessment,
    StageStatus,
)
from programmes.selectors.agreement import instalments
from programmes.services.diagnostic import diagnostic_stage_update, engagement_log
from programmes.services.grants import payment_release
from steering.factories import steering_action, steering_meeting, steering_paper
from steering.models import Action, Meeting
from tests.browser import DESKTOP, Portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class People:
    """The factory-made users the journeys sign in as, one of each role."""

    dfe_official: User
    delivery_partner: User  # Newton Europe: in the reference data, assigned to every DBV authority
    finance_lead: User  # of Kensington and Chelsea (207), a DBV tranche 1 authority
    safety_valve_finance_lead: User  # of Dorset (838), a Safety Valve 2021-22 authority
    steering_member: User


def _authority(la_code: str) -> LocalAuthority:
    return LocalAuthority.objects.get(la_code=la_code)


def _diagnostic_of(la_code: str) -> Diagnostic:
    return Diagnostic.objects.get(
        enrolment__authority__la_code=la_code, enrolment__cohort__programme__code="DBV"
    )


def _an_agreement_with_reports(*, dfe, lead) -> None:
    """Dorset's Safety Valve agreement, with its first reports submitted and assessed and one waiting."""
    dorset = Enrolment.objects.get(authority__la_code="838", cohort__programme__code="SV")
    agreement = sv_agreement(enrolment=dorset, actor=dfe, signed_on=date(2022, 3, 18))
    first, second, third, fourth = agreement.monitoring_reports.order_by("due_on")[:4]
    monitoring_report_assessed(first, actor=dfe, lead=lead, assessment=Assessment.ON_TRACK, notes="")
    payment_release(actor=dfe, payment=instalments(agreement)[0], reason="The first report was on track.")
    monitoring_report_assessed(
        second,
        actor=dfe,
        lead=lead,
        assessment=Assessment.AT_RISK,
        notes="Independent placements above plan.",
    )
    monitoring_report_assessed(third, lead=lead, actor=dfe, assessment=Assessment.OFF_TRACK, notes="Behind.")
    monitoring_report_submitted(fourth, actor=lead)


def _diagnostics_with_progress(*, actor) -> None:
    """Kensington and Chelsea's Diagnostic well advanced (with engagements, training and a late plan); two
    others under way, one of them blocked."""
    own = dbv_progress(
        _diagnostic_of("207"),
        complete=range(1, 6),
        in_progress=[6],
        on=date(2022, 11, 7),
        planned_completion=date(2024, 3, 28),  # after the programme's due date: the flag shows
        actor=actor,
    )
    stage = own.stages.get(definition__number=6)
    diagnostic_stage_update(actor=actor, stage=stage, planned_date=date(2023, 1, 9), notes="Under way.")
    engagement_log(
        actor=actor,
        diagnostic=own,
        kind=EngagementKind.SCHOOLS_FORUM,
        held_on=date(2022, 10, 12),
        notes="Met.",
    )
    dbv_training_session(
        own, module=1, held_on=date(2022, 10, 20), actor=actor, exceptional=5, very_good=6, good=1
    )
    others = (
        Diagnostic.objects.filter(enrolment__cohort__programme__code="DBV", closed_at__isnull=True)
        .exclude(pk=own.pk)
        .order_by("enrolment__authority__la_code")[:2]
    )
    for diagnostic in others:
        dbv_progress(diagnostic, complete=[1, 2], in_progress=[3], on=date(2023, 1, 16), actor=actor)
    blocked = others[1].stages.get(definition__number=3)
    diagnostic_stage_update(
        actor=actor, stage=blocked, status=StageStatus.BLOCKED, notes="Waiting for data from the authority."
    )


def _a_meeting_with_actions(*, dfe, member) -> None:
    meeting = steering_meeting(
        actor=dfe,
        held_on=date(2022, 11, 15),
        title="Sector Steering Group meeting",
        agenda="1. Welcome\n2. DBV programme progress",
        minutes="1. The chair welcomed members.\n2. DfE reported progress on the Diagnostics.",
    )
    steering_paper(meeting=meeting, actor=dfe)
    steering_action(actor=dfe, owner=member, meeting=meeting, due_on=date(2022, 12, 16))
    # Due soon, whatever the date the test runs on: the home page's "Due in the next 60 days" table.
    steering_action(
        actor=dfe,
        owner=member,
        description="Send comments on the draft paper.",
        due_on=timezone.localdate() + timedelta(days=14),
    )
    steering_action(
        actor=dfe,
        owner=dfe,
        meeting=meeting,
        description="Circulate Diagnostic progress by tranche.",
        due_on=date(2023, 1, 13),
    )


def _register_entries() -> None:
    """Contacts and LA-return figures for the two authorities with finance leads, and figures marked as
    demo (which the portal tags) for one of them."""
    for la_code in ("207", "838"):
        ContactFactory(authority=_authority(la_code), role=ContactRole.FINANCE_LEAD)
        DsgFigureFactory(authority=_authority(la_code), financial_year=FinancialYear(2022))
    DsgFigureFactory(
        authority=_authority("207"), financial_year=FinancialYear(2021), source=FigureSource.DEMO
    )


@pytest.fixture
def people(reference_data) -> People:
    """A user of each role, and enough records that each page they visit has something on it."""
    people = People(
        dfe_official=DfeOfficialFactory(),
        delivery_partner=DeliveryPartnerFactory(organisation=DeliveryPartner.NEWTON),
        finance_lead=FinanceLeadFactory(authority=_authority("207")),
        safety_valve_finance_lead=FinanceLeadFactory(authority=_authority("838")),
        steering_member=SteeringMemberFactory(),
    )
    _an_agreement_with_reports(dfe=people.dfe_official, lead=people.safety_valve_finance_lead)
    _diagnostics_with_progress(actor=people.dfe_official)
    _a_meeting_with_actions(dfe=people.dfe_official, member=people.steering_member)
    _register_entries()
    return people


# What each role sees, page by page. Each journey starts signed out, in a browser session of its own.


def _open_stage_without_actual_date(organisation: str | None = None) -> str:
    """The form of a stage of an open DBV Diagnostic with no actual date yet: marking it complete fails."""
    stages = DiagnosticStage.objects.filter(
        actual_date__isnull=True,
        diagnostic__closed_at__isnull=True,
        diagnostic__enrolment__cohort__programme__code="DBV",
    )
    if organisation:
        stages = stages.filter(diagnostic__enrolment__partner_assignments__organisation=organisation)
    stage = stages.select_related("definition").order_by("diagnostic_id", "definition__number").first()
    return f"/programmes/diagnostics/{stage.diagnostic_id}/stages/{stage.definition.number}/"


def log_a_stage_wrongly(portal, stage_form: str) -> None:
    """The Diagnostic page, the stage form, and the form again after marking it complete without a date."""
    portal.visit(stage_form.split("stages/")[0])
    portal.visit(stage_form)
    portal.submit("Save stage", status=400, Complete="yes")
    assert portal.count(".govuk-error-summary") == 1 and portal.count(".govuk-error-message") == 1


def extend_a_deadline(portal) -> None:
    """From the authority page just visited: extend its first open deadline, wrongly then rightly."""
    portal.visit(portal.first_link_in("[aria-labelledby='deadlines-caption'] tbody"))
    portal.submit("Continue", status=400)  # Nothing entered: an error for the date and the reason.
    assert portal.count(".govuk-error-summary") == 1
    first = Deadline.objects.open().filter(pk=int(portal.path().split("/")[2])).get()
    later = first.due_on + timedelta(days=14)
    portal.submit(
        "Continue",
        Day=str(later.day),
        Month=str(later.month),
        Year=str(later.year),
        **{"Why is the deadline being extended?": "The authority's finance lead is on leave."},
    )
    portal.submit("Extend the deadline")
    assert portal.path().endswith("/extend/done/"), portal.path()


def manage_an_enrolment(portal, people) -> None:
    """An enrolment's page; withdrawing it (first without a reason), checking and confirming; its replacement's
    question page; and inviting a new authority (first without a cohort)."""
    enrolment = programme_enrolment(programme=ProgrammeCode.ESFA, actor=people.dfe_official)
    page = f"/programmes/enrolments/{enrolment.pk}/"
    portal.visit(page)
    portal.visit(f"{page}withdraw/")
    portal.submit("Continue", status=400)
    assert portal.count(".govuk-error-summary") == 1 and portal.count(".govuk-error-message") == 1
    portal.submit("Continue", **{"Why withdraw this enrolment?": "The authority asked to leave."})
    assert portal.path() == f"{page}withdraw/check/", portal.path()
    portal.submit("Confirm and record")
    assert portal.path() == f"{page}withdraw/done/", portal.path()
    portal.visit(f"/history/programmes.enrolment/{enrolment.pk}/")
    portal.visit(page)
    portal.visit(f"{page}replace/")
    newcomer = LocalAuthorityFactory()
    portal.visit(f"/programmes/invite/{newcomer.la_code}/")
    portal.submit("Continue", status=400)
    assert portal.count(".govuk-error-summary") == 1
    esfa = cohort(ProgrammeCode.ESFA)
    portal.submit("Continue", **{f"{esfa.programme.name}, {esfa.name}": "yes"})
    portal.submit("Send the invitation")
    assert re.fullmatch(r"/programmes/enrolments/\d+/invite/done/", portal.path()), portal.path()


def signed_out(portal, people):
    portal.visit("/sign-in/")
    portal.submit("Sign in", Username=people.dfe_official.username, Password="not-the-password")
    assert portal.count(".govuk-error-summary") == 1
    portal.submit("Sign in", Username="", Password="")  # Nothing entered: an error for each field.
    assert portal.count(".govuk-error-message") == 2
    portal.visit("/no-such-page/", status=404)


def log_an_engagement_and_a_training_session(portal, diagnostic_id: int) -> None:
    base = f"/programmes/diagnostics/{diagnostic_id}"
    portal.visit(f"{base}/engagements/new/")
    portal.submit("Continue", status=400)  # Nothing entered: who was engaged and when are asked for.
    portal.submit("Continue", **{"Parent carer forum involved": "", "Day": "3", "Month": "4", "Year": "2023"})
    portal.submit("Log the engagement")  # Back on the Diagnostic page, with a success banner.
    portal.visit(f"{base}/training/new/")
    portal.submit(
        "Continue", status=400
    )  # Nothing entered: the module, the date and a response are asked for.
    portal.submit(
        "Continue",
        **{"Module 2": "", "Day": "5", "Month": "4", "Year": "2023", "Exceptional": "10", "Very good": "3"},
    )
    portal.submit("Log the training session")  # The confirmation, with the programme's new figure.


def submit_a_dsg_return_and_a_self_assessment(portal) -> None:
    """Kensington and Chelsea's finance lead: a DSG return (first with nothing entered), another authority's
    return (404), and a self-assessment of the five focus areas through the task list."""
    portal.visit("/authorities/207/dsg-return/")
    portal.submit("Continue", status=400)  # Nothing entered: the year and the five figures are asked for.
    assert portal.count(".govuk-error-summary") == 1
    portal.submit(
        "Continue",
        **{
            "Financial year": "2022-23",
            "Total DSG allocation, in pounds": "250000000",
            "High needs block allocation, in pounds": "55000000",
            "In-year DSG balance, in pounds": "-2500000",
            "Cumulative DSG balance, in pounds": "-12000000",
            "Usable reserves, in pounds": "8000000",
        },
    )
    assert portal.path() == "/authorities/207/dsg-return/check/", portal.path()
    portal.submit("Submit the return")
    assert "/dsg-return/submitted/" in portal.path(), portal.path()
    portal.visit("/authorities/838/dsg-return/", status=404)
    portal.visit("/programmes/self-assessment/")
    portal.visit("/programmes/self-assessment/1/")
    portal.submit("Save and return to the task list", status=400)
    for number, rating in ((1, "Green"), (2, "Amber"), (3, "Red"), (4, "Amber"), (5, "Green")):
        portal.visit(f"/programmes/self-assessment/{number}/")
        portal.submit(
            "Save and return to the task list", **{rating: "yes", "Comment": f"Our view on area {number}."}
        )
    portal.visit("/programmes/self-assessment/check/")
    portal.submit("Submit the self-assessment")
    assert re.fullmatch(r"/programmes/self-assessments/\d+/submitted/", portal.path()), portal.path()
    portal.visit(portal.path().removesuffix("submitted/"))
    portal.visit("/programmes/self-assessments/")


def deadlines_and_steering(portal, people) -> None:
    """The deadlines page with its filters, and the steering group's meeting and someone else's action."""
    portal.visit("/deadlines/")
    portal.visit("/deadlines/?whose=all")
    portal.visit("/deadlines/?whose=all&page=2")
    portal.visit("/deadlines/?whose=all&programme=SV&authority=838&when=overdue")
    portal.visit("/deadlines/?whose=everyone&programme=XYZ", status=400)  # Unknown filter values.
    assert portal.count(".govuk-error-message") == 2
    portal.visit(f"/steering-group/meetings/{Meeting.objects.get().pk}/")
    others = Action.objects.exclude(owner=people.dfe_official).order_by("due_on", "pk").first()
    portal.visit(f"/steering-group/actions/{others.pk}/")


def safety_valve_work(portal) -> None:
    """Dorset's agreement: the list, its page, the variation and correction forms (sent empty), the waiting
    report's assessment and an instalment's decision (each sent wrongly, then checked), and its history."""
    agreement = Agreement.objects.get(enrolment__authority__la_code="838")
    page = f"/programmes/agreements/{agreement.pk}/"
    portal.visit("/programmes/agreements/")
    portal.visit(page)
    portal.visit(f"{page}vary/")
    portal.submit("Continue", status=400, **{"Why is the agreement being varied?": ""})
    assert portal.count(".govuk-error-summary") == 1
    portal.visit(f"{page}details/")
    waiting = agreement.monitoring_reports.filter(submitted_at__isnull=False, assessed_at__isnull=True).get()
    portal.visit(f"/programmes/monitoring-reports/{waiting.pk}/assess/")
    portal.submit("Continue", status=400)
    portal.submit("Continue", **{"At risk": "yes", "Comment": "Placements above plan."})
    assert portal.path().endswith("/assess/check/"), portal.path()
    payment = agreement.contribution.payments.filter(status="scheduled").order_by("number").first()
    portal.visit(f"/programmes/instalments/{payment.pk}/decide/")
    portal.submit("Continue", status=400, **{"Release it": "yes", "Reason for the decision": "Due."})
    portal.visit(f"/history/programmes.agreement/{agreement.pk}/")


def import_a_file(portal) -> None:
    """The import pages: nothing chosen, a DSG file with a bad row, then the corrected file confirmed."""
    header = "la_code,financial_year,source,total_dsg_allocation\n"

    def csv_file(rows: str) -> dict:
        return {"name": "figures.csv", "mimeType": "text/csv", "buffer": (header + rows).encode()}

    portal.visit("/imports/")
    portal.submit("Upload and preview", status=400)  # Nothing chosen: an error for the kind and the file.
    assert portal.count(".govuk-error-message") == 2
    bad = csv_file("301,2022-23,la_return,1000\n302,2022-23,la_return,twelve\n")
    portal.submit("Upload and preview", **{"DSG figures": "yes", "Upload a file": bad})
    assert portal.count(".govuk-error-summary") == 1 and portal.count("#problem-1") == 1
    good = csv_file("301,2022-23,la_return,1000\n302,2022-23,la_return,12\n")
    portal.visit("/imports/?kind=dsg-figures")
    portal.submit("Upload and preview", **{"Upload a file": good})
    portal.submit("Confirm and import")
    assert portal.path() == "/imports/done/", portal.path()


def dfe_official(portal, people):
    portal.sign_in(people.dfe_official.username)
    portal.visit("/home/")
    portal.visit("/authorities/")
    portal.visit("/authorities/?on=2022-10-01")
    portal.visit("/authorities/?on=bad", status=400)
    assert portal.count(".govuk-error-summary") == 1 and portal.count(".govuk-error-message") == 1
    portal.visit("/authorities/?region=E99999999&status=lost", status=400)  # Unknown filter values.
    assert portal.count(".govuk-error-message") == 2
    portal.visit("/authorities/?programme=DBV&tranche=2&status=invited")
    portal.visit("/authorities/?page=3")
    portal.visit("/authorities/?include_ended=yes&q=Cumbria")
    portal.visit("/authorities/207/")
    portal.visit(f"/history/authorities.localauthority/{_authority('207').pk}/")
    portal.visit("/authorities/838/")
    extend_a_deadline(portal)
    safety_valve_work(portal)
    portal.visit("/programmes/")
    portal.visit("/programmes/DBV/")
    portal.visit("/programmes/SV/")
    portal.visit("/programmes/ESFA/")
    portal.visit("/steering-group/")
    portal.visit("/programmes/tiering/")
    portal.submit("Run the proposal", status=400, **{"Reference year": "2020-22", "Safety Valve places": "x"})
    assert portal.count(".govuk-error-message") == 2
    portal.submit(
        "Run the proposal",
        **{"Reference year": "2020-21", "Safety Valve places": "26", "Published": "yes"},
    )
    assert re.fullmatch(r"/programmes/tiering/\d+/", portal.path()), portal.path()
    proposal = portal.path()
    portal.submit("Approve the proposal")  # Approved: each tier's authorities may now be selected to invite.
    assert portal.path() == proposal, portal.path()
    portal.submit("Invite the selected ESFA authorities", status=400)  # Nothing ticked.
    assert portal.count(".govuk-error-summary") == 1
    first, second = LocalAuthorityFactory(), LocalAuthorityFactory()
    portal.visit("/authorities/?q=Testshire")
    portal.submit(
        "Invite the selected authorities", **{f"Select {first.name}": "yes", f"Select {second.name}": "yes"}
    )
    portal.submit("Continue", status=400)  # No cohort chosen.
    assert portal.count(".govuk-error-summary") == 1
    esfa = cohort(ProgrammeCode.ESFA)
    portal.submit("Continue", **{f"{esfa.programme.name}, {esfa.name}": "yes"})
    assert portal.path() == "/programmes/invite/check/", portal.path()
    portal.submit("Send the invitations")
    assert portal.path() == "/programmes/invite/sent/", portal.path()
    portal.visit("/programmes/tiering/")
    portal.visit("/authorities/99999/", status=404)
    portal.visit("/programmes/DBV/progress/")
    log_a_stage_wrongly(portal, _open_stage_without_actual_date())
    portal.visit("/programmes/grants/")
    portal.visit("/programmes/grants/payments/?programme=SV&financial_year=2021-22&status=scheduled")
    portal.visit("/programmes/grants/payments/?status=paid", status=400)
    portal.visit("/programmes/grants/awarded/")
    portal.visit(f"/programmes/diagnostics/{_diagnostic_of('207').pk}/grant/")
    portal.submit(
        "Continue", status=400
    )  # Nothing entered: the amount, award date and payment 1 are asked for.
    assert portal.count(".govuk-error-summary") == 1
    manage_an_enrolment(portal, people)
    import_a_file(portal)
    log_an_engagement_and_a_training_session(portal, _diagnostic_of("852").pk)
    deadlines_and_steering(portal, people)
    self_assessment(authority=_authority("838"))
    portal.visit("/programmes/self-assessments/")
    portal.visit("/programmes/self-assessments/?programme=DBV")
    portal.visit("/programmes/self-assessments/?programme=bad", status=400)
    portal.visit(f"/programmes/self-assessments/{SelfAssessment.objects.order_by('pk').first().pk}/")
    portal.visit("/programmes/self-assessment/", status=403)
    portal.visit("/authorities/207/dsg-return/", status=403)


def delivery_partner(portal, people):
    portal.sign_in(people.delivery_partner.username)
    portal.visit("/home/")
    portal.visit("/authorities/")
    portal.visit(portal.first_link_in("main table tbody"))
    portal.visit("/programmes/")
    portal.visit("/programmes/DBV/")
    portal.visit("/programmes/tiering/", status=403)
    portal.visit("/programmes/DBV/progress/")
    portal.visit(portal.first_link_in("main table tbody"))
    log_a_stage_wrongly(portal, _open_stage_without_actual_date("newton"))
    log_an_engagement_and_a_training_session(portal, _diagnostic_of("207").pk)
    portal.visit("/authorities/207/")
    portal.visit("/programmes/grants/")
    portal.visit("/deadlines/")
    portal.visit("/deadlines/?whose=all&programme=DBV&kind=diagnostic_stage")
    portal.visit(f"/steering-group/meetings/{Meeting.objects.get().pk}/", status=404)
    portal.visit("/programmes/self-assessments/")
    portal.visit("/authorities/207/dsg-return/", status=403)


def finance_lead(portal, people):
    portal.sign_in(people.finance_lead.username)
    portal.visit("/home/")
    portal.visit("/authorities/")
    portal.visit("/authorities/207/")
    submit_a_dsg_return_and_a_self_assessment(portal)
    portal.visit("/programmes/")
    portal.visit("/programmes/DBV/")
    portal.visit("/programmes/DBV/progress/", status=403)
    own = _diagnostic_of("207")
    portal.visit(f"/programmes/diagnostics/{own.pk}/")
    portal.visit(f"/programmes/diagnostics/{own.pk}/stages/3/", status=403)
    portal.visit(f"/programmes/diagnostics/{own.pk}/engagements/new/", status=403)
    portal.visit(f"/programmes/diagnostics/{own.pk}/training/new/", status=403)
    portal.visit(f"/programmes/enrolments/{own.enrolment_id}/", status=403)
    portal.visit("/deadlines/?whose=all")
    portal.visit("/deadlines/?authority=Dorset", status=400)  # Not their authority: named as an error.
    portal.visit("/steering-group/")


def safety_valve_finance_lead(portal, people):
    portal.sign_in(people.safety_valve_finance_lead.username)
    portal.visit("/home/")
    portal.visit("/authorities/838/")
    portal.visit("/programmes/SV/")
    portal.visit("/programmes/agreements/")
    portal.visit(f"/programmes/agreements/{Agreement.objects.get(enrolment__authority__la_code='838').pk}/")
    portal.visit("/programmes/tiering/", status=403)
    portal.visit("/authorities/207/", status=404)
    portal.visit("/programmes/grants/")
    portal.visit("/programmes/grants/payments/?programme=SV")
    portal.visit("/deadlines/")
    portal.visit("/deadlines/?whose=all&when=soon")


def steering_group_member(portal, people):
    portal.sign_in(people.steering_member.username)
    portal.visit("/home/")
    portal.visit("/steering-group/")
    portal.visit("/programmes/")
    portal.visit("/programmes/ESFA/")
    portal.visit("/programmes/DBV/progress/")
    portal.visit("/programmes/grants/")
    portal.visit("/deadlines/")
    portal.visit("/deadlines/?whose=all&when=overdue")
    portal.visit(f"/steering-group/meetings/{Meeting.objects.get().pk}/")
    portal.visit(f"/programmes/diagnostics/{_diagnostic_of('207').pk}/training/new/", status=404)
    own = Action.objects.filter(owner=people.steering_member).order_by("due_on", "pk").first()
    portal.visit(f"/steering-group/actions/{own.pk}/")
    portal.submit("Save the update", **{"In progress": "yes", "Progress note": "Half the views are in."})
    assert portal.path() == f"/steering-group/actions/{own.pk}/updated/", portal.path()
    others = Action.objects.exclude(owner=people.steering_member).order_by("due_on", "pk").first()
    portal.visit(f"/steering-group/actions/{others.pk}/")  # Read-only.
    portal.visit("/programmes/self-assessments/")
    portal.visit("/programmes/self-assessment/", status=403)


JOURNEYS = [
    signed_out,
    dfe_official,
    delivery_partner,
    finance_lead,
    safety_valve_finance_lead,
    steering_group_member,
]


def test_every_page_meets_wcag_22_aa_for_each_role(browser_thread, live_server, people, subtests):
    # One test, so the data is made once (a transactional test empties the database after it, and
    # commits what it makes, so the live server's thread sees it); each role is a subtest, reported
    # on its own. Not under frozen time: Chromium's clock is its own, and the session cookie the
    # portal sets must not look expired to it. The records' own dates are fixed, in 2022-23.
    for journey in JOURNEYS:
        with subtests.test(msg=journey.__name__):
            portal = browser_thread.call(
                lambda browser: Portal(browser.new_context(viewport=DESKTOP), live_server.url)
            )
            try:
                journey(browser_thread.proxy(portal), people)
            finally:
                browser_thread.call(lambda _browser, portal=portal: portal.close())
            assert not portal.problems, (
                f"{journey.__name__}: {len(portal.problems)} of {len(portal.checked)} pages failed:\n"
                + "\n".join(portal.problems)
            )
