"""The reference enrolments' transitions carry the dates the source document gives, not the day they were loaded."""

from datetime import date

import pytest
from django.utils import timezone

from programmes.models import EnrolmentTransition, ProgrammeCode

pytestmark = pytest.mark.django_db


def _days(programme: str) -> dict[str, set[date]]:
    days: dict[str, set[date]] = {}
    for transition in EnrolmentTransition.objects.filter(enrolment__cohort__programme__code=programme):
        days.setdefault(transition.name, set()).add(timezone.localdate(transition.at))
    return days


def test_the_dbv_invitations_are_as_at_the_documents_date_october_2022():
    assert _days(ProgrammeCode.DBV) == {"invite": {date(2022, 10, 1)}}


def test_the_safety_valve_2021_22_enrolments_are_invited_accepted_and_active_as_at_march_2022():
    assert _days(ProgrammeCode.SAFETY_VALVE) == {
        "invite": {date(2022, 3, 1)},
        "accept": {date(2022, 3, 1)},
        "activate": {date(2022, 3, 1)},
    }
