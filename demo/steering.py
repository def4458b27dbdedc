"""Demo records for the Sector Steering Group's work: a meeting held a few weeks before the day seed_demo
runs, with its agenda and minutes, the next one (agenda only) a month after, and two actions from the
first: the demo steering member's due in the coming fortnight, the demo DfE official's a few days
overdue. Invented, marked as demo data, made through the services (so each action has its deadline),
and made only once.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from demo.marking import mark_demo
from portal.models import User
from steering.models import Meeting, SteeringGroup
from steering.services import action_create, meeting_create

DEMO_MEETING_TITLE = "Sector Steering Group meeting (demo)"
MEETING_HELD_DAYS_AGO = 17
NEXT_MEETING_TITLE = "Next Sector Steering Group meeting (demo)"
NEXT_MEETING_IN_DAYS = 33
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
        timedelta(days=12),
    ),
    ("dfe.official", "Demo action (invented): circulate Diagnostic progress by tranche.", timedelta(days=-4)),
)
NEXT_AGENDA = """Demo agenda (invented):
1. Welcome and apologies
2. Actions from the last meeting
3. Diagnostic progress by tranche
4. Any other business"""


def seed(*, actor) -> int:
    """Make the demo meeting and its actions unless they exist; returns how many records were made."""
    group = SteeringGroup.objects.filter(name=SteeringGroup.SECTOR_STEERING_GROUP).first()
    if group is None or Meeting.objects.filter(group=group, is_demo=True, title=DEMO_MEETING_TITLE).exists():
        return 0
    today = timezone.localdate()
    owners = User.objects.in_bulk([username for username, _, _ in DEMO_ACTIONS], field_name="username")
    meeting = meeting_create(
        actor=actor,
        group=group,
        held_on=today - timedelta(days=MEETING_HELD_DAYS_AGO),
        title=DEMO_MEETING_TITLE,
        agenda=DEMO_AGENDA,
        minutes=DEMO_MINUTES,
    )
    following = meeting_create(
        actor=actor,
        group=group,
        held_on=today + timedelta(days=NEXT_MEETING_IN_DAYS),
        title=NEXT_MEETING_TITLE,
        agenda=NEXT_AGENDA,
    )
    mark_demo([meeting, following])
    created = 2
    for username, description, due_in in DEMO_ACTIONS:
        if username not in owners:
            continue
        action = action_create(
            actor=actor,
            group=group,
            meeting=meeting,
            description=description,
            owner=owners[username],
            due_on=today + due_in,
        )
        mark_demo([action])
        created += 1
    return created
