"""seed_demo's order of work: the accounts first, then each area's demo records through its own services.

Every step makes only what is missing, so a second run changes nothing. The Diagnostics come before
the agreements (the DBV grant needs an application submitted) and the agreements before the DSG
figures (a Safety Valve authority's figures follow its agreement's story).
"""

from __future__ import annotations

from demo import agreements, diagnostics, figures, steering, tracks
from demo.accounts import DEMO_PASSWORD, assign_demo_officials, seed_accounts
from portal.models import User


def seed_demo(*, password: str = DEMO_PASSWORD, reset_passwords: bool = False) -> int:
    """Create the demo accounts and records that are missing. Returns the number of accounts created."""
    system = User.objects.system_user()
    created = seed_accounts(system=system, password=password, reset_passwords=reset_passwords)
    assign_demo_officials(system=system)
    for seeder in (diagnostics, agreements, figures, tracks, steering):
        seeder.seed(actor=system)
    return created
