"""Loads the reference data shipped with the project; idempotent (a second run changes nothing).

Files unchanged since the last load are not read again (quick re-runs of `make run`); --force
reloads them anyway, which also puts back any reference row edited by hand.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from authorities.published_load import load_published_figures
from authorities.reference import load_register
from portal.models import ReferenceDataLoad, User
from programmes.reference import load_programmes, load_reference_enrolments
from steering.reference import load_steering_group

DATA_FOLDERS = ("authorities/data", "programmes/data", "steering/data")


def reference_data_digest() -> str:
    digest = hashlib.sha256()
    for folder in DATA_FOLDERS:
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Load the register of authorities, programmes, steering group and published DSG figures (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even if the files have not changed.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        digest = reference_data_digest()
        last = ReferenceDataLoad.objects.first()
        if last is not None and last.digest == digest and not force:
            self.stdout.write(
                f"Reference data unchanged since {last.loaded_at:%-d %B %Y %H:%M}: nothing to load."
            )
            return
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
        ReferenceDataLoad.objects.create(digest=digest, rows_changed=changed)
        self.stdout.write(f"Reference data loaded: {changed} row(s) created or changed.")
