"""Loads the register of authorities from the data files in authorities/data/ (see SOURCES.md there)."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from portal.sync import sync_row

from .models import AuthorityAlias, AuthorityType, GssCode, LocalAuthority, Region, Succession

DATA = Path(__file__).resolve().parent / "data"

_TYPES = {
    "Counties": AuthorityType.COUNTY,
    "London Boroughs": AuthorityType.LONDON_BOROUGH,
    "Metropolitan Districts": AuthorityType.METROPOLITAN_DISTRICT,
    "Unitary Authorities": AuthorityType.UNITARY_AUTHORITY,
}


class ReferenceDataError(ValueError):
    pass


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def register_rows() -> dict[str, list[dict]]:
    """las.csv rows of authorities with a DfE LA code, grouped by that code, oldest first."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in _rows("las.csv"):
        if not re.fullmatch(r"\d{3}", row["old_la_code"]) or not re.fullmatch(r"E\d{8}", row["new_la_code"]):
            continue
        groups[row["old_la_code"]].append(row)
    for rows in groups.values():
        rows.sort(key=lambda row: _date(row["date_of_operation"]))
    return dict(groups)


def load_register(*, user) -> int:
    """Load regions, authorities, their GSS codes, aliases and successions. Returns rows changed."""
    changed = 0
    regions = {}
    for row in _rows("regions.csv"):
        if row["region_code"].startswith("E12"):
            regions[row["region_code"]], did = sync_row(
                Region,
                lookup={"gss_code": row["region_code"]},
                values={"name": row["region_name"]},
                user=user,
            )
            changed += did

    authorities = {}
    for la_code, rows in register_rows().items():
        latest = rows[-1]
        authority, did = sync_row(
            LocalAuthority,
            lookup={"la_code": la_code},
            values={
                "name": latest["la_name"],
                "gss_code": latest["new_la_code"],
                "region": regions[latest["parent_geography_code"]],
                "la_type": _TYPES[latest["entity_description"]],
                "operated_from": _date(rows[0]["date_of_operation"]),
                "operated_until": _date(latest["date_of_termination"]),
            },
            user=user,
        )
        changed += did
        authorities[la_code] = authority
        for row in rows:
            _, did = sync_row(
                GssCode,
                lookup={"code": row["new_la_code"]},
                values={
                    "authority": authority,
                    "valid_from": _date(row["date_of_operation"]),
                    "valid_until": _date(row["date_of_termination"]),
                },
                user=user,
            )
            changed += did

    for row in _rows("aliases.csv"):
        authority = authorities[row["la_code"]]
        alias, did = sync_row(
            AuthorityAlias,
            lookup={"authority": authority, "name": row["name"]},
            values={"source": row["source"]},
            user=user,
        )
        changed += did

    for row in _rows("successions.csv"):
        predecessor = authorities[row["predecessor_la_code"]]
        successor = authorities[row["successor_la_code"]]
        effective_on = date.fromisoformat(row["effective_on"])
        if (
            predecessor.operated_until + timedelta(days=1) != effective_on
            or successor.operated_from != effective_on
        ):
            raise ReferenceDataError(
                f"successions.csv: {predecessor.label} → {successor.label} on {effective_on} "
                "does not agree with the dates in las.csv."
            )
        _, did = sync_row(
            Succession,
            lookup={"predecessor": predecessor, "successor": successor},
            values={"effective_on": effective_on},
            user=user,
        )
        changed += did
    return changed
