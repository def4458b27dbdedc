"""Deadlines (SPEC §4.8): every dated obligation, with an owner and a DfE official to escalate to.

A deadline is kept in step with its source record by deadlines.services, which every
service that writes a source calls; deleting the source deletes its deadline (generic relation).
A DfE official may extend one (`deadline_extend`): `due_on` is then the later of the source's date
(`source_due_on`) and the extension (`extended_to`), and stays so when the source syncs again.
"""

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class OwnerGroup(models.TextChoices):
    FINANCE_LEADS = "finance_leads", "The authority's finance leads"
    DELIVERY_PARTNERS = "delivery_partners", "The delivery partners assigned to the authority"


class DeadlineKind(models.TextChoices):
    MONITORING_REPORT = "monitoring_report", "Monitoring report due"
    INSTALMENT_DECISION = "instalment_decision", "Instalment decision due"
    DIAGNOSTIC_STAGE = "diagnostic_stage", "Diagnostic stage planned"
    STEERING_ACTION = "steering_action", "Steering group action due"
    PLAN_REVIEW = "plan_review", "DSG management plan review due"


def effective_due_on(source_due_on: date, extended_to: date | None) -> date:
    """When a deadline is due: its source's date, or an extension's when that is later (a source
    moved past the extension keeps its own later date)."""
    return max(source_due_on, extended_to) if extended_to else source_due_on


def overdue_on(today: date) -> Q:
    """Open and due before `today`: the one definition of overdue (Deadline.is_overdue for one)."""
    return Q(closed_at__isnull=True, due_on__lt=today)


def upcoming_on(today: date) -> Q:
    """Open and due `today` or later."""
    return Q(closed_at__isnull=True, due_on__gte=today)


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, today: date, overdue: bool = True) -> "DeadlineQuerySet":
        """The overdue deadlines on `today` (overdue=False: all the others)."""
        return self.filter(overdue_on(today)) if overdue else self.exclude(overdue_on(today))

    def upcoming(self, today: date, upcoming: bool = True) -> "DeadlineQuerySet":
        """The open deadlines due `today` or later (upcoming=False: all the others)."""
        return self.filter(upcoming_on(today)) if upcoming else self.exclude(upcoming_on(today))


class Deadline(models.Model):
    kind = models.CharField(max_length=24, choices=DeadlineKind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    title = models.CharField(max_length=300)
    authority = models.ForeignKey(
        "authorities.LocalAuthority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    # When it is due: the source's date, or a DfE extension's when later (effective_due_on). No
    # help_text: the API's `due_on` reads this field and its documented contract stays as it was.
    due_on = models.DateField()
    source_due_on = models.DateField(help_text="The date the source record gives.")
    extended_to = models.DateField(
        null=True, blank=True, help_text="The date a DfE official moved it to (deadline_extend)."
    )
    extension_reason = models.TextField(blank=True, help_text="Why it was extended.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines_owned",
        help_text="The person who must act, when one person owns it.",
    )
    owner_group = models.CharField(
        max_length=24, choices=OwnerGroup.choices, blank=True, help_text="Who must act, when a group owns it."
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines_responsible",
        help_text="The DfE official to escalate to when overdue.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="one_deadline_per_source"),
        ]
        indexes = [models.Index(fields=["closed_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_extended(self) -> bool:
        """An extension moves it: the source's own date (`source_due_on`) is the old one."""
        return self.extended_to is not None and self.due_on != self.source_due_on

    def is_overdue(self, today: date) -> bool:
        """overdue_on(today) for this one."""
        return self.is_open and self.due_on < today
