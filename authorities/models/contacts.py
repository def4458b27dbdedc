"""People to contact at an authority."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ContactRole(models.TextChoices):
    DCS = "dcs", "Director of children's services"
    FINANCE_LEAD = "finance_lead", "Finance lead"
    SEND_LEAD = "send_lead", "SEND lead"


class Contact(models.Model):
    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=ContactRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="The contact's portal account, where there is one.",
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority__name", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "email", "role"], name="unique_contact_role"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, {self.authority})"
