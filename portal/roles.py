"""The roles of SPEC §2 and the delivery partner organisations: defined here and nowhere else."""

from django.db import models


class Role(models.TextChoices):
    DFE_OFFICIAL = "dfe_official", "DfE official"
    DELIVERY_PARTNER = "delivery_partner", "Delivery partner"
    LA_FINANCE_LEAD = "la_finance_lead", "LA finance lead"
    STEERING_MEMBER = "steering_member", "Steering group member"
    # The named account that commands and scheduled tasks act as; it cannot sign in.
    SYSTEM = "system", "System"


class DeliveryPartner(models.TextChoices):
    NEWTON = "newton", "Newton Europe"
    CIPFA = "cipfa", "CIPFA"
