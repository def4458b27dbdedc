"""The Sector Steering Group: its remit and its seats."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class SteeringGroup(models.Model):
    SECTOR_STEERING_GROUP = "Sector Steering Group"

    name = models.CharField(max_length=100, unique=True)
    purpose = models.TextField()
    accountability = models.TextField(help_text="What the group is not responsible for.")
    secretariat = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The DfE official who runs the group; overdue actions escalate to them.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class RemitItem(models.Model):
    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="remit")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="unique_remit_number")]

    def __str__(self) -> str:
        return self.text


class Organisation(models.Model):
    """An organisation a seat represents, with its full name and usual abbreviation."""

    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CO_CHAIR = "co_chair", "Co-chair"
    MEMBER = "member", "Member"


class Member(models.Model):
    """A seat on the group: who holds it (blank when vacant), their job and organisation."""

    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="members")
    number = models.PositiveSmallIntegerField(help_text="Order in which the seat is listed.")
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    name = models.CharField(max_length=200, blank=True, help_text="Blank while the seat is vacant.")
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="seats")
    vacant = models.BooleanField(default=False)
    job_share = models.BooleanField(default=False, help_text="The seat is shared by more than one person.")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steering_seats",
        help_text="The portal account of the holder, where there is one.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="unique_seat_number"),
            models.CheckConstraint(
                name="vacant_seat_has_no_holder",
                condition=(Q(vacant=True) & Q(name="")) | (Q(vacant=False) & ~Q(name="")),
                violation_error_message="A vacant seat has no holder's name; a filled one has one.",
            ),
        ]

    def __str__(self) -> str:
        holder = self.name or "Vacant"
        return f"{holder}, {self.organisation}"


class Meeting(models.Model):
    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %B %Y})"


class Paper(models.Model):
    """A paper for a meeting, as an uploaded file (type and size checked by the service)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="steering-papers/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "title"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


class Action(models.Model):
    """Something a member or official agreed to do, by a date: a deadline with an owner."""

    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_actions"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    update = models.TextField(blank=True, help_text="The owner's latest note on progress.")
    is_demo = models.BooleanField(default=False)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="source_type", object_id_field="source_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_ACTION_STATUSES
