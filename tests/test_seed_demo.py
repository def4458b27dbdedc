"""seed_demo tells one consistent, plausible story, marks everything it invents, and runs twice harmlessly.

The only tests that read demo accounts or records. The module seeds once, inside a transaction that is
rolled back when the module is done, so no other test ever sees the demo: each test here runs in a
savepoint inside it.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from authorities.models import DsgFigure, FigureSource, LocalAuthority
from deadlines.models import Deadline, DeadlineKind
from deadlines.selectors import authority_deadlines, my_deadlines
from demo import agreements as demo_agreements
from demo import diagnostics as demo_diagnostics
from demo import figures as demo_figures
from demo import steering as demo_steering
from demo import tracks as demo_tracks
from demo.accounts import DEMO_PASSWORD, demo_accounts
from demo.seed import seed_demo
from portal.factories import DeliveryPartnerFactory
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import DeliveryPartner, Role
from programmes.models import (
    Agreement,
    Assessment,
    Diagnostic,
    DiagnosticStage,
    Enrolment,
    EnrolmentStatus,
    Grant,
    GrantKind,
    MonitoringReport,
    Payment,
    PaymentStatus,
    ProgrammeCode,
    SelfAssessment,
    StageStatus,
    StakeholderEngagement,
    Tier,
    TrainingSession,
)
from programmes.selectors.agreement import latest_assessed_report
from programmes.selectors.diagnostic import diagnostics_planned_late, training_feedback_share
from programmes.services.diagnostic import OPTED_IN_STAGE, diagnostic_stage_update
from programmes.services.tiering import tiering_propose
from steering.models import Action, Meeting

pytestmark = pytest.mark.django_db

SAFETY_VALVE_CODES = {"838", "312", "382", "315", "372", "355", "803", "936", "816"}
TRANCHE_SIZES = {1: 20, 2: 20, 3: 15}


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The session database (reference data, no demo) with seed_demo run once, undone after the module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def demo_users():
    return list(User.objects.filter(is_demo=True).order_by("username"))


def snapshot():
    """How many rows every model (the historical ones too) has."""
    counts = {}
    for model in apps.get_models():
        counts[model._meta.label] = model.objects.count()
    return counts


# --- The story is consistent -------------------------------------------------------------------


def test_no_enrolment_is_invited_while_its_opt_in_stage_is_complete():
    opted_in = DiagnosticStage.objects.filter(definition__number=OPTED_IN_STAGE, status=StageStatus.COMPLETE)
    assert opted_in.exists()
    assert not Enrolment.objects.filter(
        status=EnrolmentStatus.INVITED, diagnostic__stages__in=opted_in
    ).exists()


def test_the_demo_moves_dbv_enrolments_it_gives_progress_to_and_leaves_the_rest_invited_with_none():
    dbv = Enrolment.objects.filter(cohort__programme__code=ProgrammeCode.DBV)
    invited = dbv.filter(status=EnrolmentStatus.INVITED)
    assert invited.exists() and dbv.filter(status=EnrolmentStatus.ACTIVE).exists()
    assert (
        not DiagnosticStage.objects.filter(diagnostic__enrolment__in=invited)
        .exclude(status=StageStatus.NOT_STARTED)
        .exists()
    )
    moved = dbv.exclude(status=EnrolmentStatus.INVITED)
    for enrolment in moved:
        accept = enrolment.transitions.get(name="accept")
        opted_in = DiagnosticStage.objects.get(
            diagnostic__enrolment=enrolment, definition__number=OPTED_IN_STAGE
        )
        assert accept.reason.startswith("Demo: ") and timezone.localdate(accept.at) == opted_in.actual_date


def test_an_enrolment_with_a_grant_paid_is_accepted_or_active():
    paid = Enrolment.objects.filter(grants__payments__status=PaymentStatus.RELEASED).distinct()
    assert paid.filter(cohort__programme__code=ProgrammeCode.DBV).exists()
    assert set(paid.values_list("status", flat=True)) <= {EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE}


def test_reference_transitions_keep_the_documents_dates_after_seeding():
    dbv_invites = Enrolment.objects.filter(cohort__programme__code=ProgrammeCode.DBV)
    assert {
        timezone.localdate(t.at).isoformat() for e in dbv_invites for t in e.transitions.filter(name="invite")
    } == {"2022-10-01"}


def test_no_authority_has_a_demo_and_a_published_figure_for_the_same_year():
    clashes = (
        DsgFigure.objects.values("authority", "financial_year")
        .annotate(
            demo=Count("id", filter=Q(source=FigureSource.DEMO)),
            published=Count("id", filter=Q(source=FigureSource.PUBLISHED)),
        )
        .filter(demo__gt=0, published__gt=0)
    )
    assert DsgFigure.objects.filter(source=FigureSource.DEMO).exists()
    assert list(clashes) == []


def test_demo_money_is_the_size_of_the_authoritys_published_figures():
    for authority in demo_figures.demo_authorities():
        published = DsgFigure.objects.filter(authority=authority, source=FigureSource.PUBLISHED)
        largest = max(f.total_dsg_allocation for f in published)
        for figure in DsgFigure.objects.filter(authority=authority, source=FigureSource.DEMO):
            assert largest / 3 < figure.total_dsg_allocation < largest * 2, (authority, figure.financial_year)
    for agreement in Agreement.objects.select_related("enrolment__authority"):
        deficit = -DsgFigure.objects.get(
            authority=agreement.enrolment.authority,
            source=FigureSource.PUBLISHED,
            financial_year=FinancialYear(2020),
        ).cumulative_balance
        assert abs(agreement.deficit_at_signing - deficit) <= 10_000
        assert agreement.total_contribution < agreement.deficit_at_signing


def _deadline_counts(page: str) -> tuple[int, int]:
    """Overdue and upcoming deadlines as the home page's table captions count them (every panel)."""
    overdue = sum(int(n) for n in re.findall(r"Overdue: (\d+)", page))
    upcoming = sum(int(n) for n in re.findall(r"Due in the next 60 days: (\d+)", page))
    return overdue, upcoming


def test_each_demo_roles_home_page_has_more_upcoming_than_overdue_deadlines(client):
    for user in User.objects.filter(is_demo=True).order_by("username"):
        client.force_login(user)
        overdue, upcoming = _deadline_counts(client.get(reverse("portal:home")).content.decode())
        assert upcoming > overdue, f"{user.username}: {overdue} overdue, {upcoming} upcoming"


def test_the_overdue_deadlines_are_a_few_and_recent():
    official = User.objects.get(username="dfe.official")
    deadlines = my_deadlines(user=official, today=timezone.localdate(), limit=100)
    assert 0 < deadlines.overdue_total <= 5
    assert all(d.due_on > timezone.localdate() - timedelta(days=60) for d in deadlines.overdue)


def test_a_dbv_finance_lead_owns_no_deadline_but_sees_their_diagnostics_coming_up():
    """Finance leads own monitoring reports, which only Safety Valve authorities have; a DBV
    authority's lead sees its Diagnostic's planned stages, which the delivery partners own."""
    for user in User.objects.filter(is_demo=True, role=Role.LA_FINANCE_LEAD).exclude(
        authority__la_code__in=SAFETY_VALVE_CODES
    ):
        deadlines = my_deadlines(user=user)
        assert (deadlines.overdue_total, deadlines.upcoming_total) == (0, 0)
        assert authority_deadlines(user=user).upcoming_total > 0, user.username


# --- Everything invented is marked -------------------------------------------------------------


def test_every_demo_record_is_marked_demo():
    assert not Agreement.objects.filter(is_demo=False).exists()
    assert not MonitoringReport.objects.filter(is_demo=False).exists()
    assert not Grant.objects.filter(is_demo=False).exists()
    assert not StakeholderEngagement.objects.filter(is_demo=False).exists()
    assert not TrainingSession.objects.filter(is_demo=False).exists()
    assert not SelfAssessment.objects.filter(is_demo=False).exists()
    assert not Meeting.objects.filter(is_demo=False).exists()
    assert not Action.objects.filter(is_demo=False).exists()
    assert not User.objects.filter(
        username__in=[a["username"] for a in demo_accounts()], is_demo=False
    ).exists()
    # Their history says so too.
    assert not Agreement.history.filter(is_demo=False).exists()
    assert not MonitoringReport.history.filter(is_demo=False).exists()
    logged = DiagnosticStage.objects.exclude(status=StageStatus.NOT_STARTED).exclude(definition__number=12)
    assert all(notes.startswith("Demo: ") for notes in logged.values_list("notes", flat=True))


def test_a_second_seed_demo_changes_nothing():
    before = snapshot()
    history = (Deadline.history.count(), DiagnosticStage.history.count(), DsgFigure.history.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == before
    assert (Deadline.history.count(), DiagnosticStage.history.count(), DsgFigure.history.count()) == history


# --- Accounts (from tests/test_sign_in.py) -----------------------------------------------------


@pytest.mark.parametrize(
    "username", ["dfe.official", "newton.partner", "cipfa.partner", "ssg.member", "la.207", "la.838"]
)
def test_each_demo_user_signs_in_and_lands_on_their_home_page(client, username):
    response = client.post(
        reverse("portal:sign-in"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.context["user"].username == username
    assert "Welcome" in response.content.decode()
    assert client.get("/")["Location"] == reverse("portal:home")


def test_seed_demo_makes_every_account_the_brief_names():
    usernames = {account["username"] for account in demo_accounts()}
    assert {"dfe.official", "newton.partner", "cipfa.partner", "ssg.member"} <= usernames
    finance_leads = {name for name in usernames if name.startswith("la.")}
    # Five or more DBV authorities and each of the nine Safety Valve 2021-22 authorities.
    assert {f"la.{code}" for code in SAFETY_VALVE_CODES} <= finance_leads
    assert len(finance_leads - {f"la.{code}" for code in SAFETY_VALVE_CODES}) >= 5
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) == usernames


# --- Agreements (from tests/test_agreements.py) ------------------------------------------------


def test_the_demo_seed_makes_the_safety_valve_agreements_and_a_dbv_grant_once():
    system = User.objects.system_user()
    counts = {
        model: (model.objects.count(), model.history.count())
        for model in (Agreement, MonitoringReport, Payment, Grant, Deadline)
    }
    assert demo_agreements.seed(actor=system) == 0
    assert {
        model: (model.objects.count(), model.history.count())
        for model in (Agreement, MonitoringReport, Payment, Grant, Deadline)
    } == counts

    demo = Agreement.objects.filter(is_demo=True)
    assert set(demo.values_list("enrolment__authority__la_code", flat=True)) == SAFETY_VALVE_CODES
    assert not demo.exclude(published_url="").exists()
    york = demo.get(enrolment__authority__la_code="816")
    assert Payment.objects.filter(grant__agreement=york, status=PaymentStatus.WITHHELD).count() == 1
    assert latest_assessed_report(york).assessment == Assessment.OFF_TRACK
    today = timezone.localdate()
    # Everything due before today was decided, on its due date; what falls due later is scheduled.
    for payment in Payment.objects.filter(grant__agreement__in=demo):
        assert (payment.status == PaymentStatus.SCHEDULED) == (payment.due_on >= today), payment
        if payment.decided_at:
            assert timezone.localdate(payment.decided_at) == payment.due_on
    for report in MonitoringReport.objects.filter(agreement__in=demo, due_on__lt=today):
        assert report.submitted_at is not None and timezone.localdate(report.submitted_at) < report.due_on
    assert (
        MonitoringReport.objects.filter(
            agreement__in=demo, submitted_at__isnull=False, assessed_at__isnull=True
        ).count()
        == 2
    )
    assert Grant.objects.filter(kind=GrantKind.DBV_IMPLEMENTATION, is_demo=True).count() == 1


# --- Diagnostics (from tests/test_diagnostics.py) ----------------------------------------------


def _dbv_diagnostics():
    return Diagnostic.objects.filter(enrolment__cohort__programme__code=ProgrammeCode.DBV)


def test_the_demo_progress_is_marked_varied_by_tranche_and_a_second_run_changes_nothing():
    system = User.objects.system_user()

    def history():
        return (
            DiagnosticStage.history.count(),
            Diagnostic.history.count(),
            StakeholderEngagement.history.count(),
            TrainingSession.history.count(),
            Deadline.history.count(),
        )

    before = history()
    assert demo_diagnostics.seed(actor=system) == 0
    assert history() == before

    assert StakeholderEngagement.objects.exists()
    logged = DiagnosticStage.objects.exclude(status=StageStatus.NOT_STARTED).exclude(definition__number=12)
    assert all(notes.startswith("Demo: ") for notes in logged.values_list("notes", flat=True))
    complete = {
        tranche: logged.filter(
            status=StageStatus.COMPLETE, diagnostic__enrolment__cohort__tranche=tranche
        ).count()
        / TRANCHE_SIZES[tranche]
        for tranche in (1, 2, 3)
    }
    assert complete[1] > complete[2] > complete[3] > 0
    progressed = _dbv_diagnostics().exclude(enrolment__status=EnrolmentStatus.INVITED)
    assert not progressed.filter(planned_completion__isnull=True).exists()
    # The Diagnostics running late are planned to finish later than their stages alone would take.
    assert diagnostics_planned_late(user=system).exists()
    assert Decimal(80) < training_feedback_share(user=system) < Decimal(100)
    blocked = Deadline.objects.open().filter(
        kind=DeadlineKind.DIAGNOSTIC_STAGE, due_on__lt=timezone.localdate()
    )
    assert blocked.count() == len(demo_diagnostics.RUNNING_LATE)


def test_the_demo_leaves_a_diagnostic_with_real_progress_alone():
    newham = Diagnostic.objects.get(enrolment__authority__la_code="316")
    stages = DiagnosticStage.objects.filter(diagnostic=newham)
    Deadline.objects.filter(kind=DeadlineKind.DIAGNOSTIC_STAGE, source_id__in=stages.values("pk")).delete()
    StakeholderEngagement.objects.filter(diagnostic=newham).delete()
    TrainingSession.objects.filter(diagnostic=newham).delete()
    stages.update(
        status=StageStatus.NOT_STARTED, planned_date=None, actual_date=None, notes="", logged_by=None
    )
    Diagnostic.objects.filter(pk=newham.pk).update(planned_completion=None)
    partner = DeliveryPartnerFactory(organisation=DeliveryPartner.NEWTON)
    real = diagnostic_stage_update(
        actor=partner, stage=stages.get(definition__number=1), notes="Real planning call"
    )

    demo_diagnostics.seed(actor=User.objects.system_user())
    assert set(newham.stages.exclude(pk=real.pk).values_list("status", "notes")) == {
        (StageStatus.NOT_STARTED, "")
    }
    assert not StakeholderEngagement.objects.filter(diagnostic=newham).exists()


# --- Self-assessments (from tests/test_self_assessment.py) -------------------------------------


def test_the_demo_makes_two_self_assessments_as_the_authorities_own_leads_once():
    demo = SelfAssessment.objects.filter(is_demo=True).select_related("authority", "submitted_by")
    assert sorted(sa.authority.la_code for sa in demo) == sorted(demo_tracks.DEMO_SELF_ASSESSMENT_LA_CODES)
    for sa in demo:
        assert sa.submitted_by.username == f"la.{sa.authority.la_code}"
        assert sa.answers.count() == 5
        assert all("Demo answer (invented" in answer.answer for answer in sa.answers.all())
    assert demo_tracks.seed_demo_self_assessments() == 0


# --- DSG figures (from tests/test_trajectory.py and tests/test_tiering.py) ---------------------


def test_demo_figures_fill_every_unpublished_year_of_each_demo_authority_and_add_up():
    years = demo_figures.demo_years()
    for authority in demo_figures.demo_authorities():
        figures = {
            f.financial_year: f
            for f in DsgFigure.objects.filter(authority=authority, source=FigureSource.DEMO)
        }
        published = set(
            DsgFigure.objects.filter(authority=authority, source=FigureSource.PUBLISHED).values_list(
                "financial_year", flat=True
            )
        )
        assert set(figures) | published >= set(years), authority
        for year in years[1:]:
            if year in figures and year - 1 in figures:
                # Each year's cumulative balance is the last year's plus its in-year balance.
                assert (
                    figures[year].cumulative_balance
                    == figures[year - 1].cumulative_balance + figures[year].in_year_balance
                ), (authority, year)
        assert {f.notes for f in figures.values()} == {demo_figures.DEMO_FIGURE_NOTES}
    assert demo_figures.seed(actor=User.objects.system_user()) == 0


def test_demo_figures_are_made_only_for_demo_authorities():
    la_codes = {a.la_code for a in demo_figures.demo_authorities()}
    assert la_codes == {u.username[3:] for u in User.objects.filter(username__startswith="la.", is_demo=True)}
    assert (
        set(DsgFigure.objects.filter(source=FigureSource.DEMO).values_list("authority__la_code", flat=True))
        == la_codes
    )


def test_a_demo_authority_missing_a_year_gets_only_that_year():
    dorset = LocalAuthority.objects.get(la_code="838")
    DsgFigure.objects.filter(
        authority=dorset, source=FigureSource.DEMO, financial_year=FinancialYear(2015)
    ).delete()
    assert demo_figures.seed(actor=User.objects.system_user()) == 1
    assert (
        DsgFigure.objects.get(authority=dorset, financial_year=FinancialYear(2015)).source
        == FigureSource.DEMO
    )


def test_demo_figures_are_marked_invented_and_money_has_two_places():
    figures = DsgFigure.objects.filter(source=FigureSource.DEMO)
    assert set(figures.values_list("notes", flat=True)) == {demo_figures.DEMO_FIGURE_NOTES}
    for figure in figures[:30]:
        assert figure.total_dsg_allocation.as_tuple().exponent == -2
        assert figure.cumulative_balance.as_tuple().exponent == -2


def test_a_tiering_proposal_on_the_seeded_data_has_every_tier():
    official = User.objects.get(username="dfe.official")
    proposal = tiering_propose(actor=official, reference_year=FinancialYear(2020), sv_places=5)
    tiers = {tier: proposal.placements.filter(tier=tier).count() for tier in Tier.values}
    assert tiers[Tier.SV] == 5 and tiers[Tier.DBV] == 55 and tiers[Tier.ESFA] > 50


def test_seeding_the_demo_again_creates_no_figures_and_no_history():
    history = DsgFigure.history.model
    before = (DsgFigure.objects.count(), history.objects.count(), User.objects.count())
    seed_demo()
    assert (DsgFigure.objects.count(), history.objects.count(), User.objects.count()) == before


# --- Steering (from tests/test_steering_work.py) -----------------------------------------------


def test_the_demo_makes_two_meetings_and_two_actions_with_deadlines_once():
    meeting = Meeting.objects.get(is_demo=True, title=demo_steering.DEMO_MEETING_TITLE)
    assert meeting.agenda and meeting.minutes and meeting.held_on < timezone.localdate()
    assert (
        Meeting.objects.get(is_demo=True, title=demo_steering.NEXT_MEETING_TITLE).held_on
        > timezone.localdate()
    )
    actions = list(meeting.actions.order_by("due_on"))
    assert [action.owner.username for action in actions] == ["dfe.official", "ssg.member"]
    assert all(
        action.is_demo
        and Deadline.objects.filter(source_id=action.pk, kind=DeadlineKind.STEERING_ACTION).exists()
        for action in actions
    )
    assert demo_steering.seed(actor=User.objects.system_user()) == 0
    assert Meeting.objects.filter(is_demo=True, title=demo_steering.DEMO_MEETING_TITLE).count() == 1
