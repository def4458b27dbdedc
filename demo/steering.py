"""Demo records for the Sector Steering Group's work: one meeting with its agenda and minutes, and two
actions (one for the demo steering member, one for the demo DfE official). Invented, marked as demo data,
made through the services (so each action has its deadline), the same on every run, and made only once.
"""

from __future__ import annotations

from datetime import date

from portal.models import User
from steering.models import Meeting, SteeringGroup
from steering.services import action_create, meeting_create

DEMO_MEETING_TITLE = "Sector Steering Group meeting (demo)"
DEMO_MEETING_HELD_ON = date(2022, 11, 15)
DEMO_AGENDA = """Demo agenda (invented):
1. Welcome and apologies
2. DBV programme progress: Diagnostics by tranche
3. Feedback from the training modules
4. Any other business"""
DEMO_MINUTES = """Demo minutes (invented):
1. The chair welcomed members.
2. DfE reported progress on the Diagnostics; members asked for the figures by tranche at the next meeting.
3. Members discussed feedback from the training modules.
4. No other business."""
DEMO_ACTIONS = (
    (
        "ssg.member",
        "Demo action (invented): share the sector's views on the training modules.",
        date(2022, 12, 16),
    ),
    ("dfe.official", "Demo action (invented): circulate Diagnostic progress by tranche.", date(2023, 1, 13)),
)


def seed(*, actor) -> int:
    """Make the demo meeting and its actions unless they exist; returns how many records were made."""
    group = SteeringGroup.objects.filter(name=SteeringGroup.SECTOR_STEERING_GROUP).first()
    if group is None or Meeting.objects.filter(group=group, is_demo=True, title=DEMO_MEETING_TITLE).exists():
        return 0
    owners = User.objects.in_bulk([username for username, _, _ in DEMO_ACTIONS], field_name="username")
    meeting = meeting_create(
        actor=actor,
        group=group,
        held_on=DEMO_MEETING_HELD_ON,
        title=DEMO_MEETING_TITLE,
        agenda=DEMO_AGENDA,
        minutes=DEMO_MINUTES,
        is_demo=True,
    )
    created = 1
    for username, description, due_on in DEMO_ACTIONS:
        if username not in owners:
            continue
        action_create(
            actor=actor,
            group=group,
            meeting=meeting,
            description=description,
            owner=owners[username],
            due_on=due_on,
            is_demo=True,
        )
        created += 1
    return created
