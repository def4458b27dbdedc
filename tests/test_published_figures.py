"""DfE's published DSG figures, loaded from the project's own copy through the import pipeline (Step 5)."""

import csv
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from authorities.factories import DsgFigureFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from authorities.published_load import PUBLISHED, load_published_figures
from portal.financial_year import FinancialYear
from portal.imports import run_import
from portal.models import User
from programmes.models import Enrolment, Tier
from programmes.selectors.tiering import compare_with_dbv_cohort
from programmes.services.tiering import tiering_propose

pytestmark = pytest.mark.django_db

ALLOCATIONS = "dsg-total-allocation-by-year.csv"
DEFICITS = "dsg-deficit-derived.csv"
BALANCE = "DSG cumulative balance as a % of the total income"


def _rows(name):
    with open(PUBLISHED / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _published():
    return DsgFigure.objects.filter(source=FigureSource.PUBLISHED)


@pytest.fixture
def system(db):
    return User.objects.system_user()


def test_every_authority_row_of_both_files_is_matched_and_held_exactly_as_published():
    allocations = [r for r in _rows(ALLOCATIONS) if re.fullmatch(r"\d{3}", r["la_code"])]
    by_key = {
        (f.authority.la_code, str(f.financial_year)): f for f in _published().select_related("authority")
    }
    assert len(by_key) == len(allocations)
    for row in allocations:
        figure = by_key[(row["la_code"], str(FinancialYear.from_time_period(row["time_period"])))]
        published = Decimal(row["Total DSG allocation (£s)"])
        assert figure.total_dsg_allocation == published.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    deficits = [r for r in _rows(DEFICITS) if r["geographic_level"] == "Local authority"]
    with_percent = _published().filter(published_balance_percent__isnull=False)
    assert with_percent.count() == len(deficits)
    for row in deficits:
        year = FinancialYear.from_time_period(row["time_period"])
        authority = LocalAuthority.objects.resolve(row["la_name"], on=year.starts_on)
        figure = with_percent.get(authority=authority, financial_year=year)
        assert figure.published_balance_percent == Decimal(row[BALANCE])
        assert figure.deficit_percent == Decimal(row["deficit"])
        expected = (figure.total_dsg_allocation * Decimal(row[BALANCE]) / 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert figure.cumulative_balance == expected


def test_no_figure_is_invented():
    # Only what the files hold: no balance where no percentage was published, nothing else filled in.
    assert (
        not _published()
        .filter(published_balance_percent__isnull=True, cumulative_balance__isnull=False)
        .exists()
    )
    for column in ("high_needs_allocation", "in_year_balance", "usable_reserves"):
        assert not _published().filter(**{f"{column}__isnull": False}).exists(), column


def test_national_and_regional_rows_are_counted_and_skipped_and_loading_twice_changes_nothing(system):
    figures, history = _published().count(), DsgFigure.history.count()
    allocations, deficits = load_published_figures(user=system)

    assert allocations.ok and deficits.ok
    totals_in_file = sum(1 for r in _rows(ALLOCATIONS) if not re.fullmatch(r"\d{3}", r["la_code"]))
    skipped_totals = [r for r in allocations.rows if r.outcome == "skip" and "not an authority" in r.record]
    assert len(skipped_totals) == totals_in_file == 70
    levels = [r["geographic_level"] for r in _rows(DEFICITS)]
    skipped = [r.record for r in deficits.rows if "not an authority" in r.record]
    assert len([r for r in skipped if r.startswith("(national")]) == levels.count("National") == 3
    assert len([r for r in skipped if r.startswith("(regional")]) == levels.count("Regional") == 27

    assert allocations.counts["new"] == allocations.counts["update"] == 0
    assert deficits.counts["new"] == deficits.counts["update"] == 0
    assert (_published().count(), DsgFigure.history.count()) == (figures, history)


def test_a_misspelt_authority_name_is_reported_by_row_and_nothing_is_written(system):
    _published().filter(financial_year="2019-20").update(
        published_balance_percent=None, cumulative_balance=None
    )
    text = (PUBLISHED / DEFICITS).read_text(encoding="utf-8")
    lines = text.splitlines()
    row_number = next(
        i for i, line in enumerate(lines, start=1) if ",Southampton," in line and line.startswith("2019")
    )
    lines[row_number - 1] = lines[row_number - 1].replace("Southampton", "Southamptn")

    report = run_import(
        kind="dsg-published-deficits",
        actor=system,
        dry_run=False,
        file_bytes="\n".join(lines).encode("utf-8"),
        filename=DEFICITS,
    )

    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(row_number, "la_name")]
    assert "Southamptn" in report.problems[0].message
    assert not _published().filter(financial_year="2019-20", published_balance_percent__isnull=False).exists()


def test_a_name_that_matches_two_authorities_is_refused():
    from authorities.models import AuthorityAlias

    alias = AuthorityAlias(authority=LocalAuthority.objects.get(la_code="852"), name="Newham", source="test")
    alias.save()
    report = run_import(
        kind="dsg-published-deficits",
        actor=User.objects.system_user(),
        dry_run=True,
        file_bytes=(PUBLISHED / DEFICITS).read_bytes(),
        filename=DEFICITS,
    )
    assert {p.column for p in report.problems} == {"la_name"}
    assert all("more than one authority" in p.message for p in report.problems)


def test_published_figures_and_demo_figures_stay_apart():
    southampton = LocalAuthority.objects.get(la_code="852")
    DsgFigureFactory(authority=southampton, financial_year=FinancialYear(2020), source=FigureSource.DEMO)
    sources = set(southampton.dsg_figures.filter(financial_year="2020-21").values_list("source", flat=True))
    assert sources == {FigureSource.PUBLISHED, FigureSource.DEMO}


def _dbv_agreement(*, actor, sv_places):
    proposal = tiering_propose(
        actor=actor, reference_year=FinancialYear.parse("2020-21"), sv_places=sv_places, source="published"
    )
    return len(compare_with_dbv_cohort(user=actor, proposal=proposal).agree), proposal


def test_on_the_published_2020_21_figures_the_proposal_finds_50_of_the_documents_55_dbv_authorities(system):
    # The document: DBV went to the 55 "with the highest deficits as at 2020-21 (after those authorities
    # that have already been invited to join the ... safety valve programme)". The portal knows only
    # the nine 2021-22 Safety Valve authorities, so sv_places stands in for the others SV had invited.
    agreement = {n: _dbv_agreement(actor=system, sv_places=n)[0] for n in range(0, 61, 1)}
    best = max(agreement.values())
    best_places = [n for n, count in agreement.items() if count == best]
    assert (best, best_places) == (50, [26])  # stated in the README

    count, proposal = _dbv_agreement(actor=system, sv_places=26)
    comparison = compare_with_dbv_cohort(user=system, proposal=proposal)
    assert len(comparison.agree) == 50
    assert len(comparison.enrolled_not_proposed) + len(comparison.enrolled_without_placement) == 5
    assert len(comparison.proposed_not_enrolled) == 5
    dbv_tier = proposal.placements.filter(tier=Tier.DBV)
    assert dbv_tier.count() == 55
    assert not proposal.placements.filter(
        tier=Tier.DBV, authority__enrolments__cohort__programme__code="SV"
    ).exists()
    # Each placement carries the published figure that put it there.
    newham = proposal.placements.get(authority__la_code="316")
    assert (newham.deficit_percent, newham.figure_source) == (Decimal("3.44"), "published")


def test_authorities_in_safety_valve_are_left_out_of_the_published_proposal(system):
    proposal = tiering_propose(
        actor=system, reference_year=FinancialYear.parse("2020-21"), sv_places=5, source="published"
    )
    in_sv = set(
        Enrolment.objects.open().filter(cohort__programme__code="SV").values_list("authority_id", flat=True)
    )
    excluded = set(proposal.placements.filter(tier=Tier.EXCLUDED).values_list("authority_id", flat=True))
    assert excluded == in_sv and len(in_sv) == 9


def test_the_api_runs_the_proposal_on_published_figures_and_answers_the_comparison(client_for, dfe_official):
    client = client_for(dfe_official)
    response = client.post(
        "/api/v1/tiering-proposals/",
        {"reference_year": "2020-21", "sv_places": 26, "source": "published"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    newham = next(p for p in body["placements"] if p["authority"] == "316")
    assert (newham["tier"], newham["deficit_percent"]) == ("DBV", "3.44")
    assert {p["tier"] for p in body["placements"]} == {"SV", "DBV", "ESFA", "excluded", "no figures"}

    comparison = client.get(f"/api/v1/tiering-proposals/{body['id']}/comparison/").json()
    assert len(comparison["agree"]) == 50
    assert len(comparison["proposed_not_enrolled"]) == 5
    assert all(p["deficit_percent"] is not None for p in comparison["proposed_not_enrolled"])


def test_the_comparison_is_for_dfe_officials_only(client_for, dfe_official, finance_lead):
    proposal = tiering_propose(actor=dfe_official, reference_year=FinancialYear.parse("2020-21"), sv_places=5)
    assert (
        client_for(finance_lead).get(f"/api/v1/tiering-proposals/{proposal.pk}/comparison/").status_code
        == 404
    )
