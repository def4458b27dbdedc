"""Makes the demo accounts and records, all marked as demo data (demo/seed.py). Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from demo.accounts import DEMO_PASSWORD
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo accounts and records, all marked as demo data (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for new demo accounts.")
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Also set the password of existing demo accounts."
        )

    @transaction.atomic
    def handle(self, *args, password, reset_passwords, **options):
        created = seed_demo(password=password, reset_passwords=reset_passwords)
        self.stdout.write(f"Demo data ready ({created} account(s) created). Every demo password: {password}")
