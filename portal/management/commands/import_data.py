"""Imports a CSV or XLSX file of authorities, contacts, DSG figures or enrolments: a dry run unless --confirm."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from portal.imports import IMPORT_KINDS, ImportRefused, run_import
from portal.models import User


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8) or XLSX file. Without --confirm it is a dry run that writes nothing; "
        "with it, every row is written or none is. Prints every row's outcome and every problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORT_KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--confirm", action="store_true", help="Write the changes (all or nothing).")
        parser.add_argument(
            "--as",
            dest="username",
            help="Act as this user (default: the system account); they must be allowed to import.",
        )

    def handle(self, *args, kind: str, file: Path, confirm: bool, username: str | None, **options):
        actor = self._actor(username)
        try:
            with file.open("rb") as handle:
                content = handle.read(settings.IMPORT_MAX_BYTES + 1)  # one byte over is enough to refuse
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            report = run_import(
                kind=kind, actor=actor, dry_run=not confirm, file_bytes=content, filename=file.name
            )
        except ImportRefused as refused:
            raise CommandError(refused.message) from refused
        except PermissionDenied as refused:
            raise CommandError(f"{actor.username} may not import data.") from refused
        self.stdout.write(f"Acting as {actor.username}.")
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(f"Nothing was imported: {len(report.problems)} problem(s) above.")

    def _actor(self, username: str | None) -> User:
        if username is None:
            return User.objects.system_user()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called “{username}”.") from None
