"""Reads facts out of the project's copy of the source document (docs/sources/), as it is laid out.

Used to generate the reference data files and, in the tests, to check that those files still say
what the document says. The portal itself never reads the document at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOCUMENT = (
    Path(__file__).resolve().parent.parent
    / "docs"
    / "sources"
    / "dfe-guidance-intervention-work-with-las-2022-10.txt"
)


@cache
def _lines() -> tuple[str, ...]:
    return tuple(DOCUMENT.read_text(encoding="utf-8").splitlines())


def _section(first: str, stop: str) -> list[str]:
    """The lines after the line `first` up to (not including) the first line starting with `stop`."""
    lines = _lines()
    start = lines.index(first) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(stop))
    return list(lines[start:end])


def dbv_participants() -> list[tuple[int, str]]:
    """(tranche, name as printed) for every authority in the "Participating Authorities" table.

    The table is printed in three columns, Tranche 1, 2 and 3, each headed by its first authority,
    then rows of tab-separated cells: a cell's column is its tranche. Read column by column.
    """
    lines = _section("Participating Authorities", "Note:")
    participants: list[tuple[int, str]] = []
    heads = [i for i, line in enumerate(lines) if re.fullmatch(r"Tranche \d", line)]
    for i in heads:
        participants.append((int(lines[i].split()[1]), lines[i + 1].strip()))
    for line in lines[heads[-1] + 2 :]:
        if "\t" not in line:
            continue
        for column, cell in enumerate(line.split("\t"), start=1):
            if cell.strip():
                participants.append((column, cell.strip()))
    return sorted(participants, key=lambda pair: pair[0])


@dataclass(frozen=True)
class Seat:
    role: str
    name: str  # blank for a vacant seat
    job_title: str
    organisation: str  # as printed, e.g. "Local Government Association (LGA)"


def steering_group_seats() -> list[Seat]:
    """The chair, then every row of the "Members" table, in the document's order."""
    lines = _section("Sector Steering Group", "Participating Authorities")
    chair_line = next(line for line in lines if line.startswith("Chair:"))
    chair_name, chair_job = (part.strip() for part in chair_line.removeprefix("Chair:").split(",", 1))
    chair_title, chair_organisation = chair_job.split(" of ", 1)
    seats = [Seat("chair", chair_name, chair_title, chair_organisation)]
    rows = lines[lines.index("Members\t\t") + 1 :]
    for row in rows:
        if not row.strip():
            continue
        name, job_title, organisation = (cell.strip() for cell in row.split("\t"))
        seats.append(Seat("member", "" if name == "TBD" else name, job_title, organisation))
    return seats


def stated_dbv_total() -> int:
    """The number of DBV authorities the document states in prose ("... funding to 55 local authorities")."""
    text = "\n".join(_lines())
    return int(re.search(r"dedicated support and funding to (\d+) local authorities", text).group(1))
