"""Enrolment of an authority in a programme cohort, and the log of every transition it went through.

The status moves only through programmes.services.enrolment, never by editing the field.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.roles import DeliveryPartner


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REPLACED = "replaced", "Replaced"


OPEN_STATUSES = (EnrolmentStatus.INVITED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACTIVE)


class EnrolmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Enrolment(models.Model):
    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.PROTECT, related_name="enrolments"
    )
    cohort = models.ForeignKey("programmes.Cohort", on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=16, choices=EnrolmentStatus.choices, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="replaced_by",
        help_text="The declined or withdrawn enrolment whose place this one took.",
    )
    case_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The DfE official responsible for this authority's work in the programme.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["cohort__programme__code", "cohort__tranche", "authority__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_enrolment_per_authority",
                violation_error_message="This authority already has an open enrolment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} in {self.cohort} ({self.get_status_display()})"

    @property
    def responsible_official(self):
        """The DfE official an overdue deadline of this enrolment escalates to."""
        return self.case_lead or self.cohort.programme.lead_official

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def programme(self):
        return self.cohort.programme


class EnrolmentTransition(models.Model):
    """Who moved an enrolment from one status to another, when and why. Written only by the service."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=EnrolmentStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.from_status or '—'} → {self.to_status}"


class PartnerAssignment(models.Model):
    """A delivery partner organisation working with a DBV enrolment; its staff see that authority."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="partner_assignments")
    organisation = models.CharField(max_length=16, choices=DeliveryPartner.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enrolment", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "organisation"], name="unique_partner_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_organisation_display()}: {self.enrolment.authority}"
