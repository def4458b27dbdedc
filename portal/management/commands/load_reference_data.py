"""Loads the reference data shipped with the project; idempotent (a second run changes nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from authorities.reference import load_register
from portal.models import User
from programmes.reference import load_programmes, load_reference_enrolments
from steering.reference import load_steering_group


class Command(BaseCommand):
    help = "Load the register of authorities, the programmes and the Sector Steering Group (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        system = User.objects.system_user()
        changed = (
            load_register(user=system)
            + load_programmes(user=system)
            + load_steering_group(user=system)
            + load_reference_enrolments(user=system)
        )
        self.stdout.write(f"Reference data loaded: {changed} row(s) created or changed.")
