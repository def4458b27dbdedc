"""Loads the programmes, cohorts, Diagnostic stages and focus areas from programmes/data/programmes.json."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from authorities.models import LocalAuthority
from portal.financial_year import FinancialYear
from portal.roles import DeliveryPartner
from portal.sync import sync_row

from .models import (
    Cohort,
    DiagnosticStageDefinition,
    Enrolment,
    FocusArea,
    FocusAreaQuestion,
    Programme,
    ProgrammeCode,
)

DATA = Path(__file__).resolve().parent / "data"


def load_programmes(*, user) -> int:
    data = json.loads((DATA / "programmes.json").read_text(encoding="utf-8"))
    changed = 0
    for item in data["programmes"]:
        programme, did = sync_row(
            Programme,
            lookup={"code": item["code"]},
            values={
                "name": item["name"],
                "summary": item["summary"],
                "description": item["description"],
                "places": item.get("places"),
                "diagnostics_due_by": (
                    date.fromisoformat(item["diagnostics_due_by"]) if item.get("diagnostics_due_by") else None
                ),
            },
            user=user,
        )
        changed += did
        for cohort in item["cohorts"]:
            _, did = sync_row(
                Cohort,
                lookup={"programme": programme, "name": cohort["name"]},
                values={
                    "financial_year": FinancialYear.parse(cohort["financial_year"]),
                    "tranche": cohort.get("tranche"),
                },
                user=user,
            )
            changed += did
    for stage in data["diagnostic_stages"]:
        _, did = sync_row(
            DiagnosticStageDefinition,
            lookup={"number": stage["number"]},
            values={"name": stage["name"], "description": stage["description"]},
            user=user,
        )
        changed += did
    for item in data["focus_areas"]:
        area, did = sync_row(
            FocusArea,
            lookup={"number": item["number"]},
            values={"short_name": item["short_name"], "title": item["title"], "summary": item["summary"]},
            user=user,
        )
        changed += did
        for number, text in enumerate(item["questions"], start=1):
            _, did = sync_row(
                FocusAreaQuestion,
                lookup={"focus_area": area, "number": number},
                values={"text": text},
                user=user,
            )
            changed += did
    return changed


DOCUMENT_DATE = date(2022, 10, 1)
DOCUMENT = "DfE guidance on intervention work with local authorities, October 2022"
# The document's "March 2022: Update on the Safety Valve Programme": the nine agreements were in place by then.
SAFETY_VALVE_2021_22_AS_AT = date(2022, 3, 1)


def _csv(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_reference_enrolments(*, user) -> int:
    """Enrol the document's authorities through the enrolment lifecycle, on the dates the document gives.

    DBV: the 55 participating authorities, invited into their tranche with Newton Europe and CIPFA
    assigned. The document says 54 had opted in by then but names none, so no opt-in is recorded.
    Every transition is recorded as at the document's date (1 October 2022), not the day it is loaded.
    Safety Valve: the nine 2021-22 agreements, invited, accepted and active as at March 2022 (the
    document's Safety Valve update).
    An authority already enrolled in that cohort is left as it is.
    """
    from .services.enrolment import enrolment_invite, enrolment_transition

    authorities = LocalAuthority.objects.in_bulk(field_name="la_code")
    dbv = Programme.objects.get(code=ProgrammeCode.DBV)
    tranches = {cohort.tranche: cohort for cohort in dbv.cohorts.all()}
    changed = 0
    for row in _csv("dbv_participants.csv"):
        authority, cohort = authorities[row["la_code"]], tranches[int(row["tranche"])]
        if Enrolment.objects.filter(authority=authority, cohort=cohort).exists():
            continue
        enrolment_invite(
            actor=user,
            authority=authority,
            cohort=cohort,
            partners=[DeliveryPartner.NEWTON, DeliveryPartner.CIPFA],
            reason=f"Reference data: a participating authority in tranche {cohort.tranche} ({DOCUMENT}).",
            as_at=DOCUMENT_DATE,
        )
        changed += 1

    sv_round = Cohort.objects.get(programme__code=ProgrammeCode.SAFETY_VALVE, name="2021-22 round")
    for row in _csv("safety_valve_2021_22.csv"):
        authority = authorities[row["la_code"]]
        if Enrolment.objects.filter(authority=authority, cohort=sv_round).exists():
            continue
        reason = (
            "Reference data: a Safety Valve agreement of 2021-22 (DfE's very high deficit intervention page)."
        )
        enrolment = enrolment_invite(
            actor=user, authority=authority, cohort=sv_round, reason=reason, as_at=SAFETY_VALVE_2021_22_AS_AT
        )
        for transition in ("accept", "activate"):
            enrolment = enrolment_transition(
                actor=user,
                enrolment=enrolment,
                transition=transition,
                reason=reason,
                as_at=SAFETY_VALVE_2021_22_AS_AT,
            )
        changed += 1
    return changed
