"""Demo accounts for trying the portal: invented people, each marked `is_demo`, password `portal-demo`."""

from __future__ import annotations

import csv
from pathlib import Path

from authorities.models import LocalAuthority
from portal.models import User
from portal.roles import DeliveryPartner, Role
from programmes.models import Programme
from steering.models import SteeringGroup

DEMO_PASSWORD = "portal-demo"
_PROGRAMME_DATA = Path(__file__).resolve().parent.parent / "programmes" / "data"

# Two DBV authorities from each tranche have a demo finance lead.
DEMO_DBV_PER_TRANCHE = 2


def demo_finance_lead_authorities() -> list[LocalAuthority]:
    """Authorities with a demo finance lead: two per DBV tranche and every Safety Valve authority."""
    with open(_PROGRAMME_DATA / "dbv_participants.csv", newline="", encoding="utf-8") as handle:
        dbv = list(csv.DictReader(handle))
    codes = []
    for tranche in ("1", "2", "3"):
        codes += [row["la_code"] for row in dbv if row["tranche"] == tranche][:DEMO_DBV_PER_TRANCHE]
    with open(_PROGRAMME_DATA / "safety_valve_2021_22.csv", newline="", encoding="utf-8") as handle:
        codes += [row["la_code"] for row in csv.DictReader(handle)]
    by_code = LocalAuthority.objects.in_bulk(codes, field_name="la_code")
    return [by_code[code] for code in codes]


def demo_accounts() -> list[dict]:
    accounts = [
        {
            "username": "dfe.official",
            "first_name": "Dana",
            "last_name": "Official (demo)",
            "role": Role.DFE_OFFICIAL,
        },
        {
            "username": "newton.partner",
            "first_name": "Nia",
            "last_name": "Partner (demo)",
            "role": Role.DELIVERY_PARTNER,
            "organisation": DeliveryPartner.NEWTON,
        },
        {
            "username": "cipfa.partner",
            "first_name": "Cai",
            "last_name": "Partner (demo)",
            "role": Role.DELIVERY_PARTNER,
            "organisation": DeliveryPartner.CIPFA,
        },
        {
            "username": "ssg.member",
            "first_name": "Sam",
            "last_name": "Member (demo)",
            "role": Role.STEERING_MEMBER,
        },
    ]
    for authority in demo_finance_lead_authorities():
        accounts.append(
            {
                "username": f"la.{authority.la_code}",
                "first_name": "Finance lead",
                "last_name": f"{authority.name} (demo)",
                "role": Role.LA_FINANCE_LEAD,
                "authority": authority,
            }
        )
    return accounts


def seed_accounts(*, system, password: str = DEMO_PASSWORD, reset_passwords: bool = False) -> int:
    """Create the demo accounts that are missing. Returns the number of accounts created."""
    created_count = 0
    for account in demo_accounts():
        username = account.pop("username")
        user = User.objects.filter(username=username).first()
        created = user is None
        if not created and not reset_passwords:
            continue
        if created:
            user = User(username=username, is_demo=True, **account)
        user.set_password(password)
        user._history_user = system
        user.full_clean()
        user.save()
        created_count += created
    return created_count


def demo_user(username: str) -> User | None:
    """The active demo account with this username, if seed_accounts made it."""
    return User.objects.filter(username=username, is_demo=True, is_active=True).first()


def assign_demo_officials(*, system) -> None:
    """The demo DfE official leads every programme and runs the steering group, so deadlines escalate to someone."""
    official = User.objects.get(username="dfe.official")
    for record, field in [
        (p, "lead_official") for p in Programme.objects.filter(lead_official__isnull=True)
    ] + [(g, "secretariat") for g in SteeringGroup.objects.filter(secretariat__isnull=True)]:
        setattr(record, field, official)
        record._history_user = system
        record.save(update_fields=[field])
