"""Users: one account model carrying the role and, where the role needs it, its organisation or authority."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .roles import DeliveryPartner, Role

SYSTEM_USERNAME = "system"


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.DFE_OFFICIAL)
        return super().create_superuser(username, email, password, **extra_fields)

    def system_user(self) -> "User":
        """The account that commands and tasks act as, so their changes are attributed by name."""
        user, created = self.get_or_create(
            username=SYSTEM_USERNAME,
            defaults={"role": Role.SYSTEM, "first_name": "System", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices)
    organisation = models.CharField(
        max_length=16,
        choices=DeliveryPartner.choices,
        blank=True,
        help_text="Delivery partners only: the organisation they work for.",
    )
    authority = models.ForeignKey(
        "authorities.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance_leads",
        help_text="LA finance leads only: the one authority they act for.",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Made by seed_demo: an invented account for demonstrations."
    )

    objects = PortalUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_partner_has_organisation",
                condition=(Q(role=Role.DELIVERY_PARTNER) & ~Q(organisation=""))
                | (~Q(role=Role.DELIVERY_PARTNER) & Q(organisation="")),
                violation_error_message="A delivery partner needs an organisation; no other role has one.",
            ),
            models.CheckConstraint(
                name="user_finance_lead_has_authority",
                condition=(Q(role=Role.LA_FINANCE_LEAD) & Q(authority__isnull=False))
                | (~Q(role=Role.LA_FINANCE_LEAD) & Q(authority__isnull=True)),
                violation_error_message="An LA finance lead needs an authority; no other role has one.",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.role == Role.DELIVERY_PARTNER and not self.organisation:
            errors["organisation"] = "Choose the delivery partner this person works for."
        if self.role != Role.DELIVERY_PARTNER and self.organisation:
            errors["organisation"] = "Only delivery partners belong to an organisation."
        if self.role == Role.LA_FINANCE_LEAD and not self.authority_id:
            errors["authority"] = "Choose the authority this finance lead acts for."
        if self.role != Role.LA_FINANCE_LEAD and self.authority_id:
            errors["authority"] = "Only LA finance leads belong to an authority."
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_description(self) -> str:
        if self.role == Role.DELIVERY_PARTNER:
            return f"{self.get_role_display()}, {self.get_organisation_display()}"
        if self.role == Role.LA_FINANCE_LEAD and self.authority_id:
            return f"{self.get_role_display()}, {self.authority.name}"
        return self.get_role_display()


class ReferenceDataLoad(models.Model):
    """A record of each load of the shipped reference data files, so an unchanged set is not reloaded."""

    digest = models.CharField(max_length=64, help_text="SHA-256 of every reference data file, in order.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    rows_changed = models.PositiveIntegerField()

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"Reference data {self.digest[:12]} loaded {self.loaded_at:%Y-%m-%d %H:%M}"
