"""Loads the programmes, cohorts, Diagnostic stages and focus areas from programmes/data/programmes.json."""

from __future__ import annotations

import json
from pathlib import Path

from portal.financial_year import FinancialYear
from portal.sync import sync_row

from .models import Cohort, DiagnosticStageDefinition, FocusArea, FocusAreaQuestion, Programme

DATA = Path(__file__).resolve().parent / "data"


def load_programmes(*, user) -> int:
    data = json.loads((DATA / "programmes.json").read_text(encoding="utf-8"))
    changed = 0
    for item in data["programmes"]:
        programme, did = sync_row(
            Programme,
            lookup={"code": item["code"]},
            values={"name": item["name"], "summary": item["summary"], "description": item["description"]},
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
                FocusAreaQuestion, lookup={"focus_area": area, "number": number}, values={"text": text}, user=user
            )
            changed += did
    return changed
