"""Loads the published DSG figures shipped in authorities/data/published/ through the import pipeline."""

from __future__ import annotations

from pathlib import Path

from portal.imports import ImportReport, run_import

PUBLISHED = Path(__file__).resolve().parent / "data" / "published"
# Allocations first: the deficit file's pounds are derived from the same year's allocation.
FILES = (
    ("dsg-published-allocations", "dsg-total-allocation-by-year.csv"),
    ("dsg-published-deficits", "dsg-deficit-derived.csv"),
)


class PublishedFiguresRefused(ValueError):
    pass


def load_published_figures(*, user) -> list[ImportReport]:
    """Import both files (all or nothing each); a second run changes nothing."""
    reports = []
    for kind, name in FILES:
        report = run_import(
            kind=kind, actor=user, dry_run=False, file_bytes=(PUBLISHED / name).read_bytes(), filename=name
        )
        if not report.ok:
            raise PublishedFiguresRefused(report.as_text())
        reports.append(report)
    return reports
