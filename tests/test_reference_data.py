"""The reference data says what the source document and DfE's register say, and loads idempotently."""

import csv
from collections import Counter
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command

from authorities.models import LocalAuthority
from authorities.reference import register_rows
from config.management.commands.load_reference_data import reference_data_digest
from portal.models import ReferenceDataLoad
from portal.source_document import dbv_participants, stated_dbv_total, steering_group_seats
from programmes.models import Cohort, DiagnosticStageDefinition, FocusArea, Programme
from programmes.reference import DATA as PROGRAMME_DATA
from steering.models import Member, SteeringGroup

pytestmark = pytest.mark.django_db

DOCUMENT_DATE = date(2022, 10, 1)


def _csv(name):
    with open(PROGRAMME_DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _row_counts():
    """Rows in every table of the project's apps, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "authorities", "programmes", "steering"}
        and model is not ReferenceDataLoad
    }


def test_loading_the_reference_data_again_changes_nothing():
    before = _row_counts()
    call_command("load_reference_data", "--force", stdout=open("/dev/null", "w"))
    assert _row_counts() == before
    assert before["authorities.LocalAuthority"] > 0


def test_unchanged_files_are_not_read_again(capsys):
    loads = ReferenceDataLoad.objects.count()
    call_command("load_reference_data")
    assert "Reference data unchanged since" in capsys.readouterr().out
    assert ReferenceDataLoad.objects.count() == loads
    assert ReferenceDataLoad.objects.first().digest == reference_data_digest()


def test_152_authorities_operated_on_the_documents_date_and_153_today():
    assert LocalAuthority.objects.operating_on(DOCUMENT_DATE).count() == 152
    assert LocalAuthority.objects.operating_on(date(2026, 11, 28)).count() == 153


def test_city_of_london_and_the_isles_of_scilly_are_authorities():
    assert LocalAuthority.objects.get(la_code="201").name == "City of London"
    assert LocalAuthority.objects.get(la_code="420").name == "Isles of Scilly"


def test_every_la_code_in_the_register_is_one_authority():
    assert LocalAuthority.objects.count() == len(register_rows())


def test_cumbria_ended_and_cumberland_and_westmorland_and_furness_took_over():
    cumbria = LocalAuthority.objects.get(la_code="909")
    assert cumbria.operated_until == date(2023, 3, 31)
    assert {a.la_code for a in cumbria.successors.all()} == {"942", "943"}
    assert {a.la_code for a in LocalAuthority.objects.get(la_code="943").predecessors.all()} == {"909"}


def test_north_yorkshire_keeps_its_la_code_and_its_earlier_gss_code():
    north_yorkshire = LocalAuthority.objects.get(la_code="815")
    assert north_yorkshire.gss_code == "E06000065"
    assert [c.code for c in north_yorkshire.gss_codes.all()] == ["E10000023", "E06000065"]
    assert north_yorkshire.operates_on(DOCUMENT_DATE) and north_yorkshire.operates_on(date(2026, 11, 28))


def test_the_dbv_data_file_is_the_documents_table_read_column_by_column():
    in_file = [(int(row["tranche"]), row["name_in_document"]) for row in _csv("dbv_participants.csv")]
    assert sorted(in_file) == sorted(dbv_participants())


def test_the_dbv_tranches_sizes_come_out_as_the_document_gives_them():
    from_document = Counter(tranche for tranche, _ in dbv_participants())
    in_file = Counter(int(row["tranche"]) for row in _csv("dbv_participants.csv"))
    assert in_file == from_document
    assert sum(from_document.values()) == stated_dbv_total() == 55
    tranches = Cohort.objects.filter(programme__code="DBV").order_by("tranche")
    assert [c.tranche for c in tranches] == sorted(from_document)


def test_every_dbv_authority_named_in_the_document_resolves_to_exactly_one_record():
    for row in _csv("dbv_participants.csv"):
        authority = LocalAuthority.objects.resolve(row["name_in_document"], on=DOCUMENT_DATE)
        assert authority.la_code == row["la_code"], row
    assert len({row["la_code"] for row in _csv("dbv_participants.csv")}) == 55


@pytest.mark.parametrize(
    "spelling, official",
    [
        ("Hull, Kingston Upon", "Kingston upon Hull, City of"),
        ("Bournemouth, Christchurch and Poole Council", "Bournemouth, Christchurch and Poole"),
        ("St. Helens", "St. Helens"),
        ("Stockton-On-Tees", "Stockton-on-Tees"),
        ("Bristol", "Bristol, City of"),
        ("Durham", "County Durham"),
        ("Sefton Council", "Sefton"),
    ],
)
def test_the_documents_spellings_resolve_to_the_official_names(spelling, official):
    assert LocalAuthority.objects.resolve(spelling).name == official


def test_every_safety_valve_2021_22_authority_resolves_as_at_its_round():
    for row in _csv("safety_valve_2021_22.csv"):
        assert LocalAuthority.objects.resolve(row["name"], on=date(2022, 3, 31)).la_code == row["la_code"]
    assert len(_csv("safety_valve_2021_22.csv")) == 9


def test_a_reused_name_asks_for_a_date_or_a_code():
    from authorities.models import AmbiguousAuthorityName, UnknownAuthorityName

    with pytest.raises(AmbiguousAuthorityName, match="Dorset"):
        LocalAuthority.objects.resolve("Dorset")
    with pytest.raises(UnknownAuthorityName, match="Atlantis"):
        LocalAuthority.objects.resolve("Atlantis")


def test_the_steering_groups_seats_come_out_as_the_document_gives_them():
    group = SteeringGroup.objects.get()
    seats = list(group.members.select_related("organisation"))
    from_document = steering_group_seats()
    assert len(seats) == len(from_document) == 14
    for seat, printed in zip(seats, from_document, strict=True):
        assert seat.name == printed.name
        assert seat.job_title == printed.job_title
        assert printed.organisation.startswith(seat.organisation.name)
    chair = group.members.get(role="chair")
    assert (chair.name, chair.job_title, chair.organisation.name) == (
        "Dwayne Johnson",
        "Chief Executive",
        "Sefton Council",
    )


def test_the_adass_seat_is_vacant_and_the_dfe_strategy_seat_is_shared():
    adass = Member.objects.get(organisation__abbreviation="ADASS")
    assert adass.vacant and adass.name == ""
    shared = Member.objects.get(job_title="Director, Strategy and Care system")
    assert shared.job_share and shared.name == "Fran Oram/Sophie Langdale"
    assert (
        shared.organisation.name == "Department for Education" and shared.organisation.abbreviation == "DfE"
    )


def test_the_steering_group_remit_says_it_is_not_accountable_for_delivery():
    group = SteeringGroup.objects.get()
    assert group.remit.count() == 4
    assert "neither responsible nor accountable" in group.accountability


def test_programmes_cohorts_stages_and_focus_areas():
    assert set(Programme.objects.values_list("code", flat=True)) == {"SV", "DBV", "ESFA"}
    assert Cohort.objects.get(programme__code="SV").name == "2021-22 round"
    assert str(Cohort.objects.get(programme__code="SV").financial_year) == "2021-22"
    stages = list(DiagnosticStageDefinition.objects.values_list("number", "name"))
    assert len(stages) == 12
    assert stages[0] == (1, "Initial planning conversation")
    assert stages[-1] == (12, "Grant awarded; implementation started")
    areas = FocusArea.objects.prefetch_related("questions")
    assert [a.short_name for a in areas] == [
        "Early intervention",
        "SEN support offer",
        "EHCP assessment processes and thresholds",
        "Culture change with school leaders",
        "Provision mapping",
    ]
    assert [a.questions.count() for a in areas] == [3, 4, 3, 3, 4]


def test_reference_data_is_attributed_to_the_system_account():
    authority = LocalAuthority.objects.get(la_code="202")
    assert authority.history.earliest().history_user.username == "system"


@pytest.mark.django_db
def test_the_factories_new_authorities_never_take_a_code_of_the_register():
    # LocalAuthorityFactory gets or creates by code: a code of the register would hand a test a real
    # authority, with its published figures and enrolments, instead of a new one.
    from authorities.factories import UNUSED_LA_CODES

    taken = set(LocalAuthority.objects.values_list("la_code", flat=True))
    assert taken and not taken & {str(code) for code in UNUSED_LA_CODES}
