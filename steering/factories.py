"""Test factories for the Sector Steering Group, built on its services so deadlines follow.

The group itself and its seats are reference data in the test database (`steering_group()`).

To add a factory: put it at the end of this file under a name nobody has used; reuse what exists.
"""

from __future__ import annotations

from datetime import date

from portal.factories import DfeOfficialFactory, SteeringMemberFactory

from .models import Action, Meeting, SteeringGroup
from .services import action_create, meeting_create


def steering_group() -> SteeringGroup:
    return SteeringGroup.objects.get()


# --- Meetings and actions, made through the services (an action's deadline comes with it) ---


def steering_meeting(
    *,
    actor=None,
    group: SteeringGroup | None = None,
    held_on: date = date(2024, 6, 4),
    title: str = "June meeting",
    **fields,
) -> Meeting:
    """A meeting of the group held by `actor` (a new DfE official unless given); `fields`: agenda, minutes."""
    return meeting_create(
        actor=actor or DfeOfficialFactory(),
        group=group or steering_group(),
        held_on=held_on,
        title=title,
        **fields,
    )


def steering_action(
    *,
    owner=None,
    actor=None,
    group: SteeringGroup | None = None,
    meeting: Meeting | None = None,
    description: str = "Share the sector's views on the training modules.",
    due_on: date = date(2024, 7, 1),
) -> Action:
    """An action set by `actor` (a new DfE official unless given) for `owner` (a new steering member unless
    given), with its deadline."""
    return action_create(
        actor=actor or DfeOfficialFactory(),
        group=group or (meeting.group if meeting else steering_group()),
        meeting=meeting,
        description=description,
        owner=owner or SteeringMemberFactory(),
        due_on=due_on,
    )


def steering_paper(*, meeting: Meeting | None = None, actor=None, title: str = "Programme update"):
    """A paper (a small PDF) uploaded to `meeting` (a new one unless given) through the service by `actor`
    (a new DfE official unless given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .services import paper_upload

    actor = actor or DfeOfficialFactory()
    pdf = SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    return paper_upload(actor=actor, meeting=meeting or steering_meeting(actor=actor), title=title, file=pdf)
