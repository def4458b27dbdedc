"""Extending a deadline (SPEC §4.8): "A DfE official can move one authority's deadline with a reason
(kept in history; the old date stays visible), without a code change." The rules of the service, the
pages for each role, the authority page's deadlines, and the extension outliving a resync of its source."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import Deadline
from deadlines.services import deadline_extend
from portal.errors import DomainError
from programmes.models import Diagnostic, DiagnosticStage, StageStatus
from programmes.services.diagnostic import diagnostic_stage_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = date(2025, 1, 10)
PLANNED = date(2025, 2, 3)
AUTHORITY_PAGE = reverse("authorities:detail", args=["207"])


@pytest.fixture
def frozen_today():
    with time_machine.travel("2025-01-10 09:00:00+00:00", tick=False):
        yield


def _stage(la_code: str = "207", number: int = 2) -> DiagnosticStage:
    diagnostic = Diagnostic.objects.get(
        enrolment__authority__la_code=la_code, enrolment__cohort__programme__code="DBV"
    )
    return diagnostic.stages.select_related("definition").get(definition__number=number)


def _planned(stage: DiagnosticStage, on: date, actor) -> Deadline:
    """The stage planned for `on` through its service: its deadline follows."""
    diagnostic_stage_update(actor=actor, stage=stage, planned_date=on)
    return Deadline.objects.get(source_id=stage.pk, kind="diagnostic_stage")


@pytest.fixture
def deadline(dfe_official) -> Deadline:
    """Kensington and Chelsea's (207) Diagnostic stage 2, planned for 3 February 2025."""
    return _planned(_stage(), PLANNED, dfe_official)


def _extend_urls(deadline: Deadline) -> tuple[str, str, str]:
    return tuple(
        reverse(f"deadlines:{name}", args=[deadline.pk]) for name in ("extend", "extend-check", "extend-done")
    )


def _answers(on: date | None, reason: str) -> dict:
    day, month, year = (on.day, on.month, on.year) if on else ("", "", "")
    return {"new_due_on_0": day, "new_due_on_1": month, "new_due_on_2": year, "reason": reason}


# --- The service's rules --------------------------------------------------------------------


def test_an_extension_moves_the_due_date_and_history_records_who_why_and_the_old_date(dfe_official, deadline):
    extended = deadline_extend(
        actor=dfe_official, deadline=deadline, new_due_on=date(2025, 3, 3), reason="  Partner staff ill.  "
    )

    assert extended.due_on == date(2025, 3, 3)
    assert extended.source_due_on == PLANNED and extended.is_extended
    assert extended.extension_reason == "Partner staff ill."
    latest, before = extended.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_user == dfe_official
    assert (latest.due_on, latest.extension_reason) == (date(2025, 3, 3), "Partner staff ill.")
    assert before.due_on == PLANNED


def test_the_extension_survives_a_resync_of_its_source(dfe_official, newton_partner, deadline):
    deadline_extend(actor=dfe_official, deadline=deadline, new_due_on=date(2025, 3, 3), reason="Staff ill.")

    # The partner logs the stage again (its service syncs the deadline): still extended.
    diagnostic_stage_update(
        actor=newton_partner, stage=_stage(), status=StageStatus.IN_PROGRESS, notes="Begun."
    )
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.source_due_on) == (date(2025, 3, 3), PLANNED)

    # The stage replanned, still before the extension: the extension holds, the old date follows the source.
    _planned(_stage(), date(2025, 2, 20), newton_partner)
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.source_due_on, deadline.is_extended) == (
        date(2025, 3, 3),
        date(2025, 2, 20),
        True,
    )

    # Replanned past the extension: the source's later date wins, and nothing shows as extended.
    _planned(_stage(), date(2025, 4, 1), newton_partner)
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.is_extended) == (date(2025, 4, 1), False)


def test_a_deadline_is_overdue_by_its_extended_date(dfe_official, deadline):
    overdue = _planned(_stage(number=3), date(2025, 1, 6), dfe_official)
    assert Deadline.objects.overdue(TODAY).filter(pk=overdue.pk).exists()

    deadline_extend(actor=dfe_official, deadline=overdue, new_due_on=date(2025, 1, 20), reason="Late data.")

    assert not Deadline.objects.overdue(TODAY).filter(pk=overdue.pk).exists()
    assert Deadline.objects.upcoming(TODAY).filter(pk=overdue.pk).exists()


@pytest.mark.parametrize(
    ("new_due_on", "reason", "field", "message"),
    [
        (date(2025, 3, 3), "   ", "reason", "Enter why the deadline is being extended"),
        (
            PLANNED,
            "Staff ill.",
            "new_due_on",
            "The new due date must be after the current one, 3 February 2025",
        ),
        (date(2025, 1, 2), "Staff ill.", "new_due_on", "The new due date must be after the current one"),
        (
            date(2026, 2, 5),
            "Staff ill.",
            "new_due_on",
            "The new due date must be within a year of the current one",
        ),
    ],
)
def test_an_extension_needs_a_reason_and_a_later_date_within_a_year(
    dfe_official, deadline, new_due_on, reason, field, message
):
    with pytest.raises(DomainError) as refusal:
        deadline_extend(actor=dfe_official, deadline=deadline, new_due_on=new_due_on, reason=reason)

    assert refusal.value.field == field and refusal.value.message.startswith(message)
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.extended_to) == (PLANNED, None)


def test_a_met_deadline_cannot_be_extended(dfe_official, deadline):
    diagnostic_stage_update(
        actor=dfe_official, stage=_stage(), status=StageStatus.COMPLETE, actual_date=TODAY
    )
    deadline.refresh_from_db()

    with pytest.raises(DomainError, match="This deadline has been met, so it cannot be extended."):
        deadline_extend(actor=dfe_official, deadline=deadline, new_due_on=date(2025, 3, 3), reason="Ill.")


def test_only_a_dfe_official_may_extend_a_deadline(finance_lead, newton_partner, deadline):
    for user in (finance_lead, newton_partner):
        with pytest.raises(PermissionDenied):
            deadline_extend(actor=user, deadline=deadline, new_due_on=date(2025, 3, 3), reason="Please.")
    deadline.refresh_from_db()
    assert deadline.due_on == PLANNED


# --- The pages --------------------------------------------------------------------------------


def test_a_dfe_official_extends_a_deadline_through_question_check_and_confirmation(
    client_for, dfe_official, deadline
):
    question, check, done = _extend_urls(deadline)
    client = client_for(dfe_official)

    page = client.get(question)
    assert page.status_code == 200
    assert "Extend the deadline" in page.text and "3 February 2025" in page.text

    answered = client.post(question, _answers(date(2025, 3, 3), "Partner staff ill."))
    assert answered.status_code == 302 and answered.url == check
    deadline.refresh_from_db()
    assert deadline.due_on == PLANNED  # Nothing changes until the answers are checked.

    checking = client.get(check)
    assert checking.status_code == 200
    assert "3 March 2025" in checking.text and "Partner staff ill." in checking.text

    confirmed = client.post(check)
    assert confirmed.status_code == 302 and confirmed.url == done
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.extension_reason) == (date(2025, 3, 3), "Partner staff ill.")
    assert deadline.history.latest().history_user == dfe_official

    confirmation = client.get(done)
    assert confirmation.status_code == 200
    assert "Deadline extended" in confirmation.text and "3 March 2025" in confirmation.text

    # The authority page shows the new date, the old one struck through.
    authority_page = client.get(AUTHORITY_PAGE)
    assert "Upcoming and overdue deadlines" in authority_page.text
    assert "3 Mar 2025" in authority_page.text and "was <del>3 Feb 2025</del>" in authority_page.text


def test_the_question_page_shows_what_is_wrong_and_changes_nothing(client_for, dfe_official, deadline):
    question, check, _ = _extend_urls(deadline)
    client = client_for(dfe_official)

    empty = client.post(question, _answers(None, ""))
    assert empty.status_code == 400
    assert "Enter the new due date" in empty.text and "Enter why the deadline is being extended" in empty.text

    impossible = client.post(
        question,
        {**_answers(None, "Ill."), "new_due_on_0": "31", "new_due_on_1": "2", "new_due_on_2": "2025"},
    )
    assert impossible.status_code == 400 and "The new due date must be a real date" in impossible.text

    earlier = client.post(question, _answers(date(2025, 1, 20), "Ill."))
    assert earlier.status_code == 400
    assert "The new due date must be after the current one, 3 February 2025" in earlier.text

    assert client.get(check).status_code == 302  # No answers yet: back to the question.
    deadline.refresh_from_db()
    assert deadline.extended_to is None


def test_a_refusal_at_the_check_shows_on_the_question_page(client_for, dfe_official, deadline):
    question, check, _ = _extend_urls(deadline)
    client = client_for(dfe_official)
    client.post(question, _answers(date(2025, 3, 3), "Partner staff ill."))
    # Meanwhile the stage is done: its deadline is met.
    diagnostic_stage_update(
        actor=dfe_official, stage=_stage(), status=StageStatus.COMPLETE, actual_date=TODAY
    )

    refused = client.post(check)

    assert refused.status_code == 400
    assert "This deadline has been met, so it cannot be extended." in refused.text


@pytest.mark.parametrize(
    ("person", "status"),
    [("finance_lead", 403), ("newton_partner", 403), ("steering_member", 404)],
)
def test_only_a_dfe_official_gets_the_extension_pages(request, client_for, deadline, person, status):
    client = client_for(request.getfixturevalue(person))
    for url in _extend_urls(deadline):
        assert client.get(url).status_code == status
    assert client.post(_extend_urls(deadline)[0], _answers(date(2025, 3, 3), "Please.")).status_code == status
    deadline.refresh_from_db()
    assert deadline.extended_to is None


def test_the_authority_page_lists_open_deadlines_with_extend_links_for_dfe_only(
    client_for, dfe_official, finance_lead, deadline
):
    overdue = _planned(_stage(number=3), date(2025, 1, 6), dfe_official)
    met = _planned(_stage(number=1), date(2025, 1, 2), dfe_official)
    diagnostic_stage_update(
        actor=dfe_official, stage=_stage(number=1), status=StageStatus.COMPLETE, actual_date=TODAY
    )

    as_dfe = client_for(dfe_official).get(AUTHORITY_PAGE)
    assert deadline.title in as_dfe.text and overdue.title in as_dfe.text
    assert met.title not in as_dfe.text
    assert "Overdue" in as_dfe.text
    assert reverse("deadlines:extend", args=[deadline.pk]) in as_dfe.text

    as_lead = client_for(finance_lead).get(AUTHORITY_PAGE)
    assert deadline.title in as_lead.text
    assert reverse("deadlines:extend", args=[deadline.pk]) not in as_lead.text


def test_the_authority_page_reads_its_deadlines_in_a_fixed_number_of_queries(client_for, dfe_official):
    """One open deadline or four (one of them extended): the same queries."""
    client = client_for(dfe_official)
    _planned(_stage(number=1), date(2025, 2, 1), dfe_official)
    with CaptureQueriesContext(connection) as one:
        assert client.get(AUTHORITY_PAGE).status_code == 200
    for number in (2, 3, 4):
        _planned(_stage(number=number), date(2025, 2, number), dfe_official)
    extended = Deadline.objects.get(source_id=_stage(number=2).pk, kind="diagnostic_stage")
    deadline_extend(actor=dfe_official, deadline=extended, new_due_on=date(2025, 3, 1), reason="Ill.")
    with CaptureQueriesContext(connection) as four:
        assert client.get(AUTHORITY_PAGE).status_code == 200
    assert len(four) == len(one)
