"""The DSG trajectory (SPEC §4.7): actuals by source, targets, the planning-assumption forecast, the flags.

The worked example (Dorset, a Safety Valve authority; its published figures are removed first):

    actuals   2021-22 published   HNB  95,000,000.00  in-year −3,000,000.00  cumulative −20,000,000.00
              2022-23 LA return   HNB 100,000,000.00  in-year −4,000,000.00  cumulative −24,000,000.00
                                  usable reserves 20,000,000.00
    spending held flat: E = 100,000,000.00 − (−4,000,000.00) = 104,000,000.00

    year     HNB                                      in-year = HNB − E     cumulative
    2023-24  100,000,000.00 × 1.05 = 105,000,000.00   1,000,000.00          −24,000,000.00 + 1,000,000.00 = −23,000,000.00
    2024-25  105,000,000.00 × 1.03 = 108,150,000.00   4,150,000.00          −18,850,000.00
    2025-26  108,150,000.00 × 1.03 = 111,394,500.00   7,394,500.00          −11,455,500.00
    2026-27  111,394,500.00 × 1.03 = 114,736,335.00   10,736,335.00         −719,165.00
    2027-28  114,736,335.00 × 1.03 = 118,178,425.05   14,178,425.05         13,459,260.05
"""

from decimal import Decimal

import pytest
from django.http import Http404

from authorities.factories import FinanceLeadFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from programmes.models import Agreement, AgreementTarget, Enrolment
from programmes.selectors.trajectory import authority_trajectory
from programmes.trajectory import Assumptions, YearKind, trajectory_build

pytestmark = pytest.mark.django_db

FY = FinancialYear.parse


def d(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture
def dorset(db):
    authority = LocalAuthority.objects.get(la_code="312")
    authority.dsg_figures.all().delete()
    return authority


@pytest.fixture
def dorset_lead(dorset):
    return FinanceLeadFactory(authority=dorset)


def _figure(authority, year, source, *, hnb, in_year, cumulative, reserves=None, total="500,000,000.00"):
    return DsgFigure.objects.create(
        authority=authority,
        financial_year=FY(year),
        source=source,
        total_dsg_allocation=d(total),
        high_needs_allocation=d(hnb),
        in_year_balance=d(in_year),
        cumulative_balance=d(cumulative),
        usable_reserves=d(reserves) if reserves else None,
    )


@pytest.fixture
def worked_example(dorset):
    _figure(
        dorset,
        "2021-22",
        FigureSource.PUBLISHED,
        hnb="95,000,000.00",
        in_year="-3,000,000.00",
        cumulative="-20,000,000.00",
        reserves="30,000,000.00",
    )
    _figure(
        dorset,
        "2022-23",
        FigureSource.LA_RETURN,
        hnb="100,000,000.00",
        in_year="-4,000,000.00",
        cumulative="-24,000,000.00",
        reserves="20,000,000.00",
    )
    # Other sources for 2022-23, which the LA's own return outranks.
    _figure(
        dorset,
        "2022-23",
        FigureSource.PUBLISHED,
        hnb="99,000,000.00",
        in_year="-5,000,000.00",
        cumulative="-23,000,000.00",
    )
    _figure(dorset, "2022-23", FigureSource.DEMO, hnb="1.00", in_year="0.00", cumulative="0.00")
    return dorset


@pytest.fixture
def dorset_agreement(dorset):
    enrolment = Enrolment.objects.get(authority=dorset, cohort__programme__code="SV")
    agreement = Agreement.objects.create(
        enrolment=enrolment, deficit_at_signing=d("20,000,000.00"), total_contribution=d("10,000,000.00")
    )
    for year, in_year, cumulative in (
        ("2021-22", "-2,000,000.00", "-19,000,000.00"),  # actual −20m is below it: missed
        ("2022-23", "-6,000,000.00", "-25,000,000.00"),  # actual −24m is above it: met
        ("2023-24", "3,000,000.00", "-22,000,000.00"),  # a forecast year: never "missed"
    ):
        AgreementTarget.objects.create(
            agreement=agreement,
            financial_year=FY(year),
            in_year_balance=d(in_year),
            cumulative_balance=d(cumulative),
        )
    return agreement


def _by_year(trajectory):
    return {str(year.financial_year): year for year in trajectory.years}


# --- The forecast, worked by hand ----------------------------------------------------------------


def test_the_forecast_grows_high_needs_5_percent_into_2023_24_then_3_percent_with_spending_held_flat(
    dfe_official, worked_example
):
    trajectory = authority_trajectory(user=dfe_official, authority=worked_example)
    rows = _by_year(trajectory)

    assert [str(year.financial_year) for year in trajectory.forecast_years] == [
        "2023-24",
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
    ]
    expected = {
        # year: (HNB, in-year = HNB − 104,000,000.00, cumulative = previous + in-year)
        "2023-24": ("105,000,000.00", "1,000,000.00", "-23,000,000.00"),
        "2024-25": ("108,150,000.00", "4,150,000.00", "-18,850,000.00"),
        "2025-26": ("111,394,500.00", "7,394,500.00", "-11,455,500.00"),
        "2026-27": ("114,736,335.00", "10,736,335.00", "-719,165.00"),
        "2027-28": ("118,178,425.05", "14,178,425.05", "13,459,260.05"),
    }
    for year, (hnb, in_year, cumulative) in expected.items():
        row = rows[year]
        assert row.kind == YearKind.FORECAST
        assert (row.high_needs_allocation, row.in_year_balance, row.cumulative_balance) == (
            d(hnb),
            d(in_year),
            d(cumulative),
        ), year


def test_the_number_of_forecast_years_is_a_parameter(dfe_official, worked_example):
    trajectory = authority_trajectory(user=dfe_official, authority=worked_example, forecast_for=2)
    assert [str(year.financial_year) for year in trajectory.forecast_years] == ["2023-24", "2024-25"]
    assert not authority_trajectory(
        user=dfe_official, authority=worked_example, forecast_for=0
    ).forecast_years


def test_growth_rates_and_the_first_growth_year_are_settings(settings, dfe_official, worked_example):
    settings.HNB_GROWTH_FIRST_RATE = Decimal("0.10")
    settings.HNB_GROWTH_LATER_RATE = Decimal("0.02")
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example, forecast_for=2))
    # 100,000,000.00 × 1.10 = 110,000,000.00; × 1.02 = 112,200,000.00
    assert rows["2023-24"].high_needs_allocation == d("110,000,000.00")
    assert rows["2024-25"].high_needs_allocation == d("112,200,000.00")
    # in-year 110,000,000.00 − 104,000,000.00 = 6,000,000.00; cumulative −24,000,000.00 + 6,000,000.00
    assert rows["2023-24"].cumulative_balance == d("-18,000,000.00")


def test_a_last_actual_year_after_the_first_growth_year_grows_at_the_later_rate_only(
    settings, dfe_official, worked_example
):
    settings.HNB_GROWTH_FIRST_YEAR = "2021-22"
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example, forecast_for=2))
    # 100,000,000.00 × 1.03 = 103,000,000.00; × 1.03 = 106,090,000.00
    assert rows["2023-24"].high_needs_allocation == d("103,000,000.00")
    assert rows["2024-25"].high_needs_allocation == d("106,090,000.00")


def test_years_before_a_later_first_growth_year_grow_at_the_first_rate(
    settings, dfe_official, worked_example
):
    settings.HNB_GROWTH_FIRST_YEAR = "2024-25"
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example, forecast_for=3))
    # 100,000,000.00 × 1.05 = 105,000,000.00 (2023-24), × 1.05 = 110,250,000.00 (2024-25), × 1.03 = 113,557,500.00
    assert [rows[year].high_needs_allocation for year in ("2023-24", "2024-25", "2025-26")] == [
        d("105,000,000.00"),
        d("110,250,000.00"),
        d("113,557,500.00"),
    ]


def test_money_is_rounded_to_the_penny_half_up():
    figure = DsgFigure(
        financial_year=FY("2022-23"),
        source=FigureSource.PUBLISHED,
        high_needs_allocation=d("10.10"),
        in_year_balance=d("0.00"),
        cumulative_balance=d("0.00"),
    )
    trajectory = trajectory_build(authority=None, figures=[figure], forecast_for=1)
    # 10.10 × 1.05 = 10.605: half up gives 10.61 (banker's rounding would give 10.60)
    assert trajectory.forecast_years[0].high_needs_allocation == d("10.61")
    assert trajectory.forecast_years[0].in_year_balance == d("0.51")


def test_the_assumptions_used_are_reported_from_the_settings(settings):
    settings.HNB_GROWTH_FIRST_YEAR = "2024-25"
    settings.STATUTORY_OVERRIDE_LAST_YEAR = "2025-26"
    assumptions = Assumptions.from_settings()
    assert assumptions.first_growth_year == FY("2024-25")
    assert assumptions.first_growth_rate == Decimal("0.05")
    assert assumptions.later_growth_rate == Decimal("0.03")
    assert assumptions.statutory_override_last_year == FY("2025-26")


def test_without_figures_there_is_no_forecast_and_the_trajectory_says_why(dfe_official, dorset):
    trajectory = authority_trajectory(user=dfe_official, authority=dorset)
    assert trajectory.years == []
    assert "no DSG figures" in trajectory.forecast_unavailable


def test_a_last_year_without_a_high_needs_allocation_gives_no_forecast(dfe_official, dorset):
    figure = _figure(
        dorset, "2022-23", FigureSource.LA_RETURN, hnb="1.00", in_year="-4.00", cumulative="-24.00"
    )
    figure.high_needs_allocation = None
    figure.save()
    trajectory = authority_trajectory(user=dfe_official, authority=dorset)
    assert trajectory.forecast_years == []
    assert "high needs block allocation" in trajectory.forecast_unavailable


# --- Actuals: one source per year, always labelled ------------------------------------------------


def test_each_actual_year_uses_the_la_return_then_published_then_demo_and_says_which(
    dfe_official, worked_example
):
    trajectory = authority_trajectory(user=dfe_official, authority=worked_example)
    rows = _by_year(trajectory)
    assert rows["2022-23"].source == FigureSource.LA_RETURN
    assert rows["2022-23"].source_label == "LA return"
    assert rows["2022-23"].other_sources == (FigureSource.PUBLISHED, FigureSource.DEMO)
    assert rows["2022-23"].cumulative_balance == d("-24,000,000.00")
    assert rows["2021-22"].source == FigureSource.PUBLISHED
    assert trajectory.sources_used == [FigureSource.LA_RETURN, FigureSource.PUBLISHED]
    assert trajectory.mixes_sources


def test_published_figures_outrank_demo_figures(dfe_official, dorset):
    _figure(dorset, "2020-21", FigureSource.DEMO, hnb="1.00", in_year="1.00", cumulative="1.00")
    _figure(dorset, "2020-21", FigureSource.PUBLISHED, hnb="2.00", in_year="2.00", cumulative="2.00")
    row = authority_trajectory(user=dfe_official, authority=dorset).actual_years[0]
    assert (row.source, row.cumulative_balance, row.other_sources) == (
        FigureSource.PUBLISHED,
        d("2.00"),
        (FigureSource.DEMO,),
    )


def test_a_year_missing_between_actuals_shows_as_a_gap_not_a_guess(dfe_official, dorset):
    _figure(dorset, "2019-20", FigureSource.PUBLISHED, hnb="1.00", in_year="1.00", cumulative="1.00")
    _figure(dorset, "2021-22", FigureSource.PUBLISHED, hnb="1.00", in_year="1.00", cumulative="2.00")
    rows = _by_year(authority_trajectory(user=dfe_official, authority=dorset, forecast_for=0))
    assert rows["2020-21"].kind == YearKind.NO_FIGURES
    assert rows["2020-21"].cumulative_balance is None


# --- Targets and flags -----------------------------------------------------------------------------


def test_the_agreements_targets_sit_beside_actuals_and_forecast(
    dfe_official, worked_example, dorset_agreement
):
    trajectory = authority_trajectory(user=dfe_official, authority=worked_example)
    rows = _by_year(trajectory)
    assert trajectory.agreement == dorset_agreement
    assert rows["2022-23"].target_cumulative_balance == d("-25,000,000.00")
    assert rows["2023-24"].target_in_year_balance == d("3,000,000.00")


def test_target_missed_flags_an_actual_cumulative_balance_below_the_target(
    dfe_official, worked_example, dorset_agreement
):
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example))
    assert rows["2021-22"].target_missed  # −20,000,000.00 < −19,000,000.00
    assert not rows["2022-23"].target_missed  # −24,000,000.00 ≥ −25,000,000.00
    assert not rows["2023-24"].target_missed  # forecast −23,000,000.00: not an actual


def test_deficit_beyond_reserves_is_flagged_only_after_the_statutory_override_ends(
    dfe_official, worked_example
):
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example))
    # 2022-23: deficit 24,000,000.00 > reserves 20,000,000.00, but the override still covers 2022-23
    assert not rows["2022-23"].deficit_exceeds_reserves
    # 2023-24 (forecast, reserves held at 20,000,000.00): deficit 23,000,000.00 > 20,000,000.00
    assert rows["2023-24"].usable_reserves == d("20,000,000.00")
    assert rows["2023-24"].deficit_exceeds_reserves
    # 2024-25: deficit 18,850,000.00 ≤ 20,000,000.00
    assert not rows["2024-25"].deficit_exceeds_reserves


def test_the_statutory_override_end_is_a_setting(settings, dfe_official, worked_example):
    settings.STATUTORY_OVERRIDE_LAST_YEAR = "2023-24"
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example))
    assert not rows["2023-24"].deficit_exceeds_reserves
    settings.STATUTORY_OVERRIDE_LAST_YEAR = "2021-22"
    rows = _by_year(authority_trajectory(user=dfe_official, authority=worked_example))
    assert rows["2022-23"].deficit_exceeds_reserves


# --- Who may see it --------------------------------------------------------------------------------


def test_the_authoritys_finance_lead_sees_its_trajectory_with_targets(
    dorset_lead, worked_example, dorset_agreement
):
    trajectory = authority_trajectory(user=dorset_lead, authority=worked_example)
    assert trajectory.has_targets
    assert len(trajectory.actual_years) == 2


# finance_lead is Kensington and Chelsea's; Newton is assigned to DBV authorities, not to Dorset.
@pytest.mark.parametrize("who", ["finance_lead", "steering_member", "newton_partner"])
def test_who_may_not_see_an_authority_gets_404(request, who, worked_example):
    with pytest.raises(Http404):
        authority_trajectory(user=request.getfixturevalue(who), authority=worked_example)


def test_an_assigned_delivery_partner_sees_the_figures_but_no_agreement_targets(newton_partner, finance_lead):
    kensington = finance_lead.authority
    trajectory = authority_trajectory(user=newton_partner, authority=kensington)
    assert trajectory.actual_years
    assert trajectory.agreement is None and not trajectory.has_targets


@pytest.mark.parametrize("who", ["dfe_official", "dorset_lead"])
def test_the_trajectory_reads_in_a_fixed_number_of_queries(
    request, django_assert_max_num_queries, worked_example, dorset_agreement, who
):
    user = request.getfixturevalue(who)
    # The authority, its figures, its agreement, the agreement's targets: however many years there are.
    with django_assert_max_num_queries(4):
        authority_trajectory(user=user, authority=worked_example, forecast_for=10)
