"""Self-assessment against the five focus areas of a sustainable high needs system (SPEC §4.7).

An authority's finance lead rates every focus area red, amber or green and says why; each submission
is kept whole (a new one does not overwrite the last), and DfE and the authority see them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from authorities.models import LocalAuthority
from portal import access
from portal.access import Permission
from portal.errors import DomainError
from portal.history import save_as

from ..models import FocusArea, Rating, SelfAssessment, SelfAssessmentAnswer

# focus area number -> (rating, answer)
Answers = Mapping[int, tuple[str, str]]


def _by_number(answers: Answers) -> dict[int, tuple[str, str]]:
    try:
        return {int(number): answer for number, answer in answers.items()}
    except (TypeError, ValueError) as wrong:
        raise DomainError("Focus areas are numbered 1 to 5.", field="answers") from wrong


def self_assessment_answer_checked(
    *, focus_area: FocusArea, rating: str | None, answer: str | None
) -> tuple[FocusArea, str, str]:
    """One focus area's rating and answer, checked (the page of one area asks it before the next):
    (area, rating, answer trimmed), or a DomainError naming `rating_<n>` or `answer_<n>`."""
    if rating not in Rating.values:
        raise DomainError(
            f"Rate “{focus_area.short_name}” red, amber or green.", field=f"rating_{focus_area.number}"
        )
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(
            f"Say how the authority stands on “{focus_area.short_name}”, with the questions to consider in mind.",
            field=f"answer_{focus_area.number}",
        )
    return focus_area, rating, answer


def _checked_answers(answers: Answers, areas: list[FocusArea]) -> list[tuple[FocusArea, str, str]]:
    if not areas:
        raise DomainError("The focus areas have not been loaded: run load_reference_data.")
    answers = _by_number(answers)
    by_number = {area.number: area for area in areas}
    unknown = sorted(set(answers) - set(by_number), key=str)
    if unknown:
        raise DomainError(
            f"There is no focus area {', '.join(map(str, unknown))}: the focus areas are "
            f"{', '.join(str(number) for number in sorted(by_number))}.",
            field="answers",
        )
    checked = []
    for area in areas:
        if area.number not in answers:
            raise DomainError(
                f"Rate and answer every focus area: “{area.short_name}” is missing.",
                field=f"rating_{area.number}",
            )
        try:
            rating, answer = answers[area.number]
        except (TypeError, ValueError) as wrong:
            raise DomainError(
                f"Give a rating and an answer for “{area.short_name}”.", field=f"rating_{area.number}"
            ) from wrong
        checked.append(self_assessment_answer_checked(focus_area=area, rating=rating, answer=answer))
    return checked


@transaction.atomic
def self_assessment_submit(*, actor, authority: LocalAuthority, answers: Answers) -> SelfAssessment:
    """Record the authority's self-assessment: a rating and an answer for each of the five focus areas."""
    access.require(actor, Permission.SUBMIT_SELF_ASSESSMENT, authority)
    areas = list(FocusArea.objects.order_by("number"))
    checked = _checked_answers(answers, areas)
    self_assessment = SelfAssessment(authority=authority, submitted_by=actor, submitted_at=timezone.now())
    save_as(actor, self_assessment)
    for area, rating, answer in checked:
        row = SelfAssessmentAnswer(
            self_assessment=self_assessment, focus_area=area, rating=rating, answer=answer
        )
        save_as(actor, row)
    return self_assessment
