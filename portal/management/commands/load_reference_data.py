"""Loads the reference data shipped with the project; idempotent (a second run changes nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from authorities.published_load import load_published_figures
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
        for report in load_published_figures(user=system):
            counts = report.counts
            changed += counts["new"] + counts["update"]
            self.stdout.write(
                f"Published DSG figures ({report.kind}): {counts['new']} new, {counts['update']} updated, "
                f"{counts['skip']} unchanged or not an authority's row."
            )
        self.stdout.write(f"Reference data loaded: {changed} row(s) created or changed.")
