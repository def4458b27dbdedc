"""Loads the Sector Steering Group from steering/data/steering_group.json."""

from __future__ import annotations

import json
from pathlib import Path

from portal.sync import sync_row

from .models import Member, Organisation, RemitItem, SteeringGroup

DATA = Path(__file__).resolve().parent / "data"


def load_steering_group(*, user) -> int:
    data = json.loads((DATA / "steering_group.json").read_text(encoding="utf-8"))
    group, changed = sync_row(
        SteeringGroup,
        lookup={"name": data["name"]},
        values={"purpose": data["purpose"], "accountability": data["accountability"]},
        user=user,
    )
    for number, text in enumerate(data["remit"], start=1):
        changed += sync_row(
            RemitItem, lookup={"group": group, "number": number}, values={"text": text}, user=user
        )[1]
    for seat in data["seats"]:
        organisation, did = sync_row(
            Organisation,
            lookup={"name": seat["organisation"]},
            values={"abbreviation": seat["organisation_abbreviation"]},
            user=user,
        )
        changed += did
        changed += sync_row(
            Member,
            lookup={"group": group, "number": seat["number"]},
            values={
                "role": seat["role"],
                "name": seat["name"],
                "job_title": seat["job_title"],
                "organisation": organisation,
                "vacant": seat["vacant"],
                "job_share": seat["job_share"],
            },
            user=user,
        )[1]
    return changed
