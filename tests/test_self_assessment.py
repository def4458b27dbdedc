"""Self-assessment against the five focus areas (SPEC §4.7): who submits, what it needs, who sees it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from authorities.factories import FinanceLeadFactory
from portal.errors import DomainError
from programmes.models import FocusArea, Rating, SelfAssessment
from programmes.selectors.trajectory import self_assessment_latest, self_assessments_latest
from programmes.services.self_assessment import self_assessment_submit

pytestmark = pytest.mark.django_db


def full_answers(rating=Rating.AMBER):
    return {number: (rating, f"Our position on area {number}.") for number in range(1, 6)}


@pytest.fixture
def kensington(finance_lead):
    return finance_lead.authority


@pytest.fixture
def other_lead(db):
    """The finance lead of another authority."""
    return FinanceLeadFactory()


def test_a_finance_lead_submits_a_rating_and_answer_for_each_of_the_five_areas(finance_lead, kensington):
    answers = full_answers()
    answers[3] = (Rating.RED, "  Thresholds have drifted.  ")
    submitted = self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers)

    rows = list(submitted.answers.order_by("focus_area__number"))
    assert [row.focus_area.number for row in rows] == [1, 2, 3, 4, 5]
    assert (rows[2].rating, rows[2].answer) == (Rating.RED, "Thresholds have drifted.")
    assert submitted.submitted_by == finance_lead and submitted.submitted_at is not None
    assert submitted.history.first().history_user == finance_lead


def test_every_focus_area_is_required(finance_lead, kensington):
    answers = full_answers()
    del answers[4]
    with pytest.raises(DomainError) as refused:
        self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers)
    assert refused.value.field == "rating_4"
    assert "Culture change with school leaders" in refused.value.message
    assert not SelfAssessment.objects.filter(authority=kensington).exists()


@pytest.mark.parametrize("rating", ["", "purple", None, "RED"])
def test_a_rating_is_red_amber_or_green(finance_lead, kensington, rating):
    answers = full_answers()
    answers[2] = (rating, "Some text")
    with pytest.raises(DomainError) as refused:
        self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers)
    assert refused.value.field == "rating_2"


@pytest.mark.parametrize("answer", ["", "   ", None])
def test_an_answer_is_required_for_every_area(finance_lead, kensington, answer):
    answers = full_answers()
    answers[5] = (Rating.GREEN, answer)
    with pytest.raises(DomainError) as refused:
        self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers)
    assert refused.value.field == "answer_5"


def test_an_area_that_does_not_exist_is_refused(finance_lead, kensington):
    answers = full_answers()
    answers[6] = (Rating.GREEN, "Extra")
    with pytest.raises(DomainError) as refused:
        self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers)
    assert "no focus area 6" in refused.value.message


def test_area_numbers_from_a_form_may_be_text(finance_lead, kensington):
    answers = {str(number): value for number, value in full_answers().items()}
    assert (
        self_assessment_submit(actor=finance_lead, authority=kensington, answers=answers).answers.count() == 5
    )


# --- Who may submit: the access policy ------------------------------------------------------------


def test_a_finance_lead_of_another_authority_gets_404(other_lead, kensington):
    with pytest.raises(Http404):
        self_assessment_submit(actor=other_lead, authority=kensington, answers=full_answers())


def test_a_steering_member_gets_404_as_no_single_authority_is_theirs_to_see(steering_member, kensington):
    with pytest.raises(Http404):
        self_assessment_submit(actor=steering_member, authority=kensington, answers=full_answers())


def test_an_assigned_delivery_partner_sees_the_authority_but_may_not_submit_403(newton_partner, kensington):
    with pytest.raises(PermissionDenied):
        self_assessment_submit(actor=newton_partner, authority=kensington, answers=full_answers())


def test_a_dfe_official_may_not_submit_for_an_authority_403(dfe_official, kensington):
    with pytest.raises(PermissionDenied):
        self_assessment_submit(actor=dfe_official, authority=kensington, answers=full_answers())


# --- Who sees it -----------------------------------------------------------------------------------


def test_the_latest_self_assessment_comes_with_the_source_documents_questions(
    dfe_official, finance_lead, kensington
):
    self_assessment_submit(actor=finance_lead, authority=kensington, answers=full_answers(Rating.RED))
    latest = self_assessment_submit(
        actor=finance_lead, authority=kensington, answers=full_answers(Rating.GREEN)
    )

    view = self_assessment_latest(user=dfe_official, authority=kensington)
    assert view.self_assessment == latest
    assert [area.focus_area.number for area in view.areas] == [1, 2, 3, 4, 5]
    assert [len(area.questions) for area in view.areas] == [
        area.questions.count() for area in FocusArea.objects.order_by("number")
    ]
    assert all(area.questions for area in view.areas)
    assert {area.answer.rating for area in view.areas} == {Rating.GREEN}


def test_the_authority_sees_its_own_self_assessment(finance_lead, kensington):
    submitted = self_assessment_submit(actor=finance_lead, authority=kensington, answers=full_answers())
    assert self_assessment_latest(user=finance_lead, authority=kensington).self_assessment == submitted


def test_before_the_first_submission_the_areas_and_questions_still_show(
    dfe_official, finance_lead, kensington
):
    view = self_assessment_latest(user=dfe_official, authority=kensington)
    assert view.self_assessment is None
    assert len(view.areas) == 5 and all(area.answer is None for area in view.areas)


@pytest.mark.parametrize("who", ["other_lead", "steering_member"])
def test_others_cannot_read_an_authoritys_self_assessment(request, who, kensington):
    with pytest.raises(Http404):
        self_assessment_latest(user=request.getfixturevalue(who), authority=kensington)


def test_a_delivery_partner_sees_the_authority_but_not_its_self_assessment(
    newton_partner, finance_lead, kensington
):
    self_assessment_submit(actor=finance_lead, authority=kensington, answers=full_answers())
    assert self_assessment_latest(user=newton_partner, authority=kensington).self_assessment is None


def test_the_latest_per_authority_list_holds_one_per_authority_scoped(
    dfe_official, finance_lead, kensington, other_lead, steering_member
):
    self_assessment_submit(actor=finance_lead, authority=kensington, answers=full_answers(Rating.RED))
    newest = self_assessment_submit(
        actor=finance_lead, authority=kensington, answers=full_answers(Rating.GREEN)
    )
    other = self_assessment_submit(actor=other_lead, authority=other_lead.authority, answers=full_answers())

    everyone = list(self_assessments_latest(user=dfe_official))
    assert newest in everyone and other in everyone
    assert len({sa.authority_id for sa in everyone}) == len(everyone)
    assert list(self_assessments_latest(user=finance_lead)) == [newest]
    assert list(self_assessments_latest(user=steering_member)) == []
