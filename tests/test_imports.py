"""Imports and exports (SPEC §4.10): bad input never half-imports, a repeat import changes nothing, exports are inert."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from authorities.models import Contact, DsgFigure, GssCode, LocalAuthority
from portal.imports import ExactDecimalWidget, ImportRefused, export_rows, run_import
from portal.models import User
from programmes.models import Cohort, Enrolment, EnrolmentTransition
from programmes.services.enrolment import enrolment_invite

pytestmark = pytest.mark.django_db

DSG_HEADER = ["la_code", "financial_year", "source", "total_dsg_allocation", "cumulative_balance", "notes"]
GOOD_DSG_ROWS = [
    ["301", "2022-23", "la_return", "250000000.00", "-1234567.89", ""],
    ["302", "2022-23", "la_return", "310000000", "-20.5", "Deficit recovery plan agreed"],
    ["370", "2022-23", "LA return", "1,250,000.10", "0", ""],
    ["800", "2022-23", "la_return", "99.99", "-£1,000.01", ""],
    ["822", "2022-23", "la_return", "1000", "5000.00", ""],
    ["303", "2022-23", "la_return", "42", "-42", ""],
]


def csv_file(header: list, rows: list[list]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode("utf-8")


def xlsx_file(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def state() -> tuple[int, int]:
    """(DSG figures, their history rows): what a user would see change after an import."""
    return DsgFigure.objects.count(), DsgFigure.history.count()


def import_dsg(actor, content: bytes, *, filename="figures.csv", dry_run=False):
    return run_import(kind="dsg-figures", actor=actor, dry_run=dry_run, file_bytes=content, filename=filename)


# --- All or nothing -----------------------------------------------------------------------------


def test_a_csv_with_one_bad_row_among_many_writes_nothing_and_names_the_row_and_column(dfe_official):
    rows = [list(row) for row in GOOD_DSG_ROWS]
    rows[3][3] = "12.345"  # spreadsheet row 5: the header is row 1
    before = state()

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, rows))

    assert not report.ok and not report.written
    assert state() == before
    [problem] = report.problems
    assert (problem.row, problem.column) == (5, "total_dsg_allocation")
    assert "“12.345” has more than 2 decimal places" in problem.message
    assert [(row.row, row.outcome) for row in report.rows] == [
        (2, "new"),
        (3, "new"),
        (4, "new"),
        (5, "error"),
        (6, "new"),
        (7, "new"),
    ]
    assert "Row 5, column total_dsg_allocation" in report.as_text()
    assert "Nothing was written" in report.as_text()


def test_an_xlsx_with_one_bad_row_writes_nothing_and_the_fixed_workbook_writes_every_row(dfe_official):
    rows = [
        [301, "2022-23", "la_return", 250000000, -1234567.89, None],
        [999, "2022-23", "la_return", 1, -1, None],
        [302, "2022-23", "la_return", 310000000.5, -20.5, None],
    ]
    before = state()

    report = import_dsg(dfe_official, xlsx_file(DSG_HEADER, rows), filename="figures.xlsx")

    assert state() == before
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "la_code", "No authority has the LA code “999”.")
    ]

    rows[1][0] = 303
    fixed = import_dsg(dfe_official, xlsx_file(DSG_HEADER, rows), filename="figures.xlsx")

    assert fixed.written and fixed.counts["new"] == 3
    assert state() == (before[0] + 3, before[1] + 3)


def test_the_fixed_file_imports_every_row_in_exact_pounds_and_names_the_importer_in_history(dfe_official):
    count, history = state()

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, GOOD_DSG_ROWS), dry_run=False)

    assert report.written and report.counts == {"new": 6, "update": 0, "skip": 0, "error": 0}
    assert state() == (count + 6, history + 6)
    figures = {
        f.authority.la_code: f
        for f in DsgFigure.objects.filter(source="la_return").select_related("authority")
    }
    assert figures["301"].cumulative_balance == Decimal("-1234567.89")
    assert figures["370"].total_dsg_allocation == Decimal("1250000.10")
    assert figures["800"].cumulative_balance == Decimal("-1000.01")
    assert str(figures["301"].financial_year) == "2022-23"
    assert {row.history_user for row in DsgFigure.history.filter(source="la_return")} == {dfe_official}


def test_an_xlsx_number_cell_is_read_as_exact_pounds(dfe_official):
    rows = [
        [301, "2022-23", "la_return", 250000000, -1234567.89, None],
        [302, "2022-23", "la_return", 1234.5, 0, None],
    ]

    import_dsg(dfe_official, xlsx_file(DSG_HEADER, rows), filename="figures.xlsx")

    assert DsgFigure.objects.get(authority__la_code="301", source="la_return").cumulative_balance == Decimal(
        "-1234567.89"
    )
    assert DsgFigure.objects.get(
        authority__la_code="302", source="la_return"
    ).total_dsg_allocation == Decimal("1234.50")


def test_a_second_import_of_the_same_file_changes_nothing(dfe_official):
    content = csv_file(DSG_HEADER, GOOD_DSG_ROWS)
    import_dsg(dfe_official, content)
    after_first = state()

    report = import_dsg(dfe_official, content)

    assert state() == after_first
    assert report.ok and {row.outcome for row in report.rows} == {"skip"}


def test_a_changed_figure_is_an_update_recorded_in_history(dfe_official):
    import_dsg(dfe_official, csv_file(DSG_HEADER, GOOD_DSG_ROWS))
    rows = [list(row) for row in GOOD_DSG_ROWS]
    rows[0][4] = "-1234567.90"
    count, history = state()

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, rows))

    assert report.counts == {"new": 0, "update": 1, "skip": 5, "error": 0}
    assert state() == (count, history + 1)


def test_a_dry_run_reports_every_row_and_writes_nothing(dfe_official):
    before = state()

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, GOOD_DSG_ROWS), dry_run=True)

    assert report.ok and not report.written and report.counts["new"] == 6
    assert state() == before
    assert "Dry run: nothing was written" in report.as_text()


def test_blank_rows_keep_the_spreadsheet_row_numbers(dfe_official):
    rows = [GOOD_DSG_ROWS[0], ["", "", "", "", "", ""], ["301", "2022-23", "bogus", "1", "1", ""]]

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, rows))

    assert [(row.row, row.outcome) for row in report.rows] == [(2, "new"), (3, "skip"), (4, "error")]
    assert [(p.row, p.column) for p in report.problems] == [(4, "source")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("twelve", "“twelve” is not an amount"),
        ("1.2.3", "“1.2.3” is not an amount"),
        ("(1,234)", "“(1,234)” is not an amount"),
        ("1,23", "“1,23” is not an amount"),
        ("0.001", "“0.001” has more than 2 decimal places"),
    ],
)
def test_money_that_is_not_pounds_and_pence_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ExactDecimalWidget().clean(text)


@pytest.mark.parametrize(
    "cell, amount",
    [("-£1,234.50", "-1234.50"), ("12.340", "12.34"), ("-20.5", "-20.50"), (7, "7.00"), ("", None)],
)
def test_money_is_read_exactly(cell, amount):
    assert ExactDecimalWidget().clean(cell) == (Decimal(amount) if amount else None)


def test_a_file_naming_the_same_record_twice_is_refused_at_the_second_row(dfe_official):
    rows = [GOOD_DSG_ROWS[0], GOOD_DSG_ROWS[1], GOOD_DSG_ROWS[0]]
    before = state()

    report = import_dsg(dfe_official, csv_file(DSG_HEADER, rows))

    assert state() == before
    assert [(p.row, p.column) for p in report.problems] == [(4, "")]
    assert "Row 2 already has la_code 301" in report.problems[0].message


# --- What the portal accepts --------------------------------------------------------------------


def test_an_oversize_upload_is_refused_clearly(dfe_official, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    content = csv_file(DSG_HEADER, GOOD_DSG_ROWS) + b"\n" * (1024 * 1024)

    with pytest.raises(ImportRefused, match="bigger than 1 MB, the most we import at once"):
        import_dsg(dfe_official, content)


def _zip_that_is_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("figures.txt", b"la_code\n301\n", "is not a CSV or XLSX file"),
        ("figures", b"la_code\n301\n", "is not a CSV or XLSX file"),
        ("figures.xlsx", b"la_code,financial_year\n301,2022-23\n", "is not an Excel workbook"),
        ("figures.xlsx", _zip_that_is_not_a_workbook(), "is not an Excel workbook"),
        ("figures.csv", "la_code,notes\n301,Caf\u00e9 £5\n".encode("latin-1"), "is not UTF-8 text"),
        ("figures.csv", xlsx_file(DSG_HEADER, GOOD_DSG_ROWS), "is a workbook, not CSV text"),
        ("figures.csv", b"la_code\x00\x01\x02,x\n", "not CSV text"),
        ("figures.csv", b"", "The file is empty"),
        ("figures.csv", b"la_code,financial_year,source\n", "no rows to import"),
    ],
)
def test_an_upload_of_the_wrong_type_is_refused_clearly(dfe_official, filename, content, message):
    before = state()

    with pytest.raises(ImportRefused, match=message):
        import_dsg(dfe_official, content, filename=filename)

    assert state() == before


def test_missing_and_unknown_columns_are_refused_before_any_row_is_read(dfe_official):
    content = csv_file(["la_code", "year", "source"], [["301", "2022-23", "la_return"]])

    with pytest.raises(ImportRefused) as refused:
        import_dsg(dfe_official, content)

    assert "no financial_year column" in refused.value.message
    assert "Columns not recognised: year" in refused.value.message


def test_an_la_finance_lead_cannot_import(finance_lead):
    content = csv_file(DSG_HEADER, [["207", "2022-23", "la_return", "1", "1", ""]])
    before = state()

    with pytest.raises(PermissionDenied):
        import_dsg(finance_lead, content)

    assert state() == before


# --- Exports ------------------------------------------------------------------------------------


@pytest.fixture
def figures_with_a_formula(dfe_official):
    rows = [
        ["301", "2022-23", "la_return", "250000000", "-1234.50", '=HYPERLINK("http://example.invalid","x")'],
        ["302", "2022-23", "la_return", "1", "-0.01", "+44 20 7946 0000"],
        ["370", "2022-23", "la_return", "1", "2", "@SUM(A1)"],
        ["800", "2022-23", "la_return", "1", "2", "-5 per cent"],
    ]
    import_dsg(dfe_official, csv_file(DSG_HEADER, rows))
    return DsgFigure.objects.filter(source="la_return")


def test_a_csv_export_makes_formula_text_inert_and_keeps_negative_money_a_number(
    dfe_official, figures_with_a_formula
):
    content = export_rows(kind="dsg-figures", actor=dfe_official, queryset=figures_with_a_formula)

    rows = {row["la_code"]: row for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert rows["301"]["notes"] == '\'=HYPERLINK("http://example.invalid","x")'
    assert rows["302"]["notes"] == "'+44 20 7946 0000"
    assert rows["370"]["notes"] == "'@SUM(A1)"
    assert rows["800"]["notes"] == "'-5 per cent"
    assert rows["301"]["cumulative_balance"] == "-1234.50"
    assert rows["302"]["cumulative_balance"] == "-0.01"


def test_an_xlsx_export_makes_formula_text_inert_and_keeps_negative_money_a_number(
    dfe_official, figures_with_a_formula
):
    content = export_rows(
        kind="dsg-figures", actor=dfe_official, file_format="xlsx", queryset=figures_with_a_formula
    )

    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    row = {header[i]: cell for i, cell in enumerate(sheet[2])}
    assert row["la_code"].value == "301"
    assert row["notes"].data_type == "s" and row["notes"].value.startswith("'=HYPERLINK")
    assert row["cumulative_balance"].data_type == "n" and row["cumulative_balance"].value == -1234.5


def test_an_export_imports_back_unchanged(dfe_official, figures_with_a_formula):
    content = export_rows(kind="dsg-figures", actor=dfe_official, queryset=figures_with_a_formula)
    before = state()

    report = import_dsg(dfe_official, content)

    assert report.ok and {row.outcome for row in report.rows} == {"skip"}
    assert state() == before


def test_an_la_finance_leads_export_holds_only_their_authority(finance_lead):
    for code in ("207", "301"):
        DsgFigure.objects.create(
            authority=LocalAuthority.objects.get(la_code=code), financial_year="2022-23", source="la_return"
        )

    rows = list(
        csv.DictReader(io.StringIO(export_rows(kind="dsg-figures", actor=finance_lead).decode("utf-8-sig")))
    )

    assert rows and {row["la_code"] for row in rows} == {"207"}


# --- Authorities, contacts, enrolments ----------------------------------------------------------

AUTHORITY_HEADER = ["la_code", "name", "gss_code", "region", "la_type", "operated_from", "operated_until"]


def test_an_authority_import_creates_and_updates_by_la_code(dfe_official):
    rows = [
        ["990", "New Unitary", "E06009990", "E12000007", "Unitary authority", "01/04/2023", ""],
        ["202", "Camden Council", "E09000007", "london", "london_borough", "2009-01-01", ""],
    ]
    content = csv_file(AUTHORITY_HEADER, rows)

    report = run_import(
        kind="authorities", actor=dfe_official, dry_run=False, file_bytes=content, filename="las.csv"
    )

    assert report.counts == {"new": 1, "update": 1, "skip": 0, "error": 0}
    created = LocalAuthority.objects.get(la_code="990")
    assert (created.region.name, created.la_type, str(created.operated_from)) == (
        "London",
        "unitary_authority",
        "2023-04-01",
    )
    assert GssCode.objects.get(code="E06009990").authority == created
    assert LocalAuthority.objects.get(la_code="202").name == "Camden Council"
    assert created.history.get().history_user == dfe_official


def test_an_authority_import_refuses_an_unknown_region_and_another_authoritys_gss_code(dfe_official):
    rows = [
        ["990", "New Unitary", "E06009990", "Atlantis", "unitary_authority", "2023-04-01", ""],
        ["991", "Copycat", "E09000007", "London", "unitary_authority", "2023-04-01", ""],
    ]

    report = run_import(
        kind="authorities",
        actor=dfe_official,
        dry_run=False,
        file_bytes=csv_file(AUTHORITY_HEADER, rows),
        filename="las.csv",
    )

    problems = {(p.row, p.column): p.message for p in report.problems}
    assert problems[(2, "region")].startswith("No region is called or coded “Atlantis”")
    assert "is (or was) the GSS code of Camden (202)" in problems[(3, "gss_code")]
    assert not LocalAuthority.objects.filter(la_code__in=["990", "991"]).exists()


def test_a_contact_import_is_keyed_by_authority_email_and_role(dfe_official):
    header = ["la_code", "name", "email", "role"]
    first = csv_file(header, [["301", "Ann Example", "ann@example.invalid", "Finance lead"]])
    again = csv_file(header, [["301", "Ann Example-Smith", "ann@example.invalid", "finance_lead"]])

    run_import(kind="contacts", actor=dfe_official, dry_run=False, file_bytes=first, filename="c.csv")
    report = run_import(
        kind="contacts", actor=dfe_official, dry_run=False, file_bytes=again, filename="c.csv"
    )

    assert report.counts["update"] == 1
    contact = Contact.objects.get(email="ann@example.invalid")
    assert contact.name == "Ann Example-Smith"
    assert [row.history_user for row in contact.history.all()] == [dfe_official, dfe_official]


ENROLMENT_HEADER = ["la_code", "programme", "cohort", "status"]


def enrolment_state() -> tuple[int, int, int]:
    return Enrolment.objects.count(), EnrolmentTransition.objects.count(), Enrolment.history.count()


def test_an_enrolment_import_enrols_through_the_service_and_a_second_import_changes_nothing(dfe_official):
    content = csv_file(
        ENROLMENT_HEADER,
        [
            ["301", "ESFA", "2022-23", "active"],
            ["302", "esfa", "2022-23", "Invited"],
            ["303", "ESFA", "2022-23", "completed"],
        ],
    )

    report = run_import(
        kind="enrolments", actor=dfe_official, dry_run=False, file_bytes=content, filename="e.csv"
    )

    assert report.counts["new"] == 3
    enrolment = Enrolment.objects.get(authority__la_code="301", cohort__programme__code="ESFA")
    assert enrolment.status == "active"
    assert [(t.name, t.actor, t.reason) for t in enrolment.transitions.all()] == [
        ("invite", dfe_official, "Imported from e.csv."),
        ("accept", dfe_official, "Imported from e.csv."),
        ("activate", dfe_official, "Imported from e.csv."),
    ]
    assert {row.history_user for row in enrolment.history.all()} == {dfe_official}
    after_first = enrolment_state()

    again = run_import(
        kind="enrolments", actor=dfe_official, dry_run=False, file_bytes=content, filename="e.csv"
    )

    assert {row.outcome for row in again.rows} == {"skip"}
    assert enrolment_state() == after_first


def test_an_enrolment_import_moves_an_enrolment_forward_but_never_back(dfe_official):
    esfa = Cohort.objects.get(programme__code="ESFA")
    enrolment_invite(actor=dfe_official, authority=LocalAuthority.objects.get(la_code="301"), cohort=esfa)

    forward = run_import(
        kind="enrolments",
        actor=dfe_official,
        dry_run=False,
        file_bytes=csv_file(ENROLMENT_HEADER, [["301", "ESFA", "2022-23", "accepted"]]),
        filename="e.csv",
    )
    back = run_import(
        kind="enrolments",
        actor=dfe_official,
        dry_run=False,
        file_bytes=csv_file(ENROLMENT_HEADER, [["301", "ESFA", "2022-23", "invited"]]),
        filename="e.csv",
    )

    assert forward.counts["update"] == 1
    assert [(p.row, p.column) for p in back.problems] == [(2, "status")]
    assert "cannot move it back to invited" in back.problems[0].message
    assert Enrolment.objects.get(authority__la_code="301", cohort=esfa).status == "accepted"


def test_an_enrolment_import_that_breaks_an_enrolment_rule_writes_nothing(dfe_official):
    before = enrolment_state()
    content = csv_file(
        ENROLMENT_HEADER,
        [
            ["301", "ESFA", "2022-23", "active"],
            ["207", "ESFA", "2022-23", "invited"],  # already in DBV tranche 1
            ["302", "SV", "2030-31 round", "invited"],
            ["303", "ESFA", "2022-23", "declined"],
        ],
    )

    report = run_import(
        kind="enrolments", actor=dfe_official, dry_run=False, file_bytes=content, filename="e.csv"
    )

    assert enrolment_state() == before
    problems = {(p.row, p.column): p.message for p in report.problems}
    assert "already has an open enrolment" in problems[(3, "la_code")]
    assert (
        problems[(4, "cohort")] == "SV has no cohort called “2030-31 round”: its cohorts are 2021-22 round."
    )
    assert "“declined” is not one of the allowed values" in problems[(5, "status")]


# --- The command --------------------------------------------------------------------------------

CONTACT_HEADER = ["la_code", "name", "email", "role"]


@pytest.fixture
def contacts_file(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(csv_file(CONTACT_HEADER, [["301", "Bo Example", "bo@example.invalid", "dcs"]]))
    return path


def test_the_import_command_is_a_dry_run_unless_confirmed_and_acts_as_the_system_account(contacts_file):
    out = io.StringIO()
    call_command("import_data", "contacts", str(contacts_file), stdout=out)
    assert "Dry run: nothing was written" in out.getvalue()
    assert not Contact.objects.filter(email="bo@example.invalid").exists()

    call_command("import_data", "contacts", str(contacts_file), "--confirm", stdout=io.StringIO())

    contact = Contact.objects.get(email="bo@example.invalid")
    assert contact.history.get().history_user == User.objects.system_user()


def test_the_import_command_acts_as_a_named_user(contacts_file, dfe_official):
    call_command(
        "import_data",
        "contacts",
        str(contacts_file),
        "--confirm",
        "--as",
        dfe_official.username,
        stdout=io.StringIO(),
    )

    assert Contact.objects.get(email="bo@example.invalid").history.get().history_user == dfe_official


def test_the_import_command_refuses_a_user_who_may_not_import(contacts_file, finance_lead):
    with pytest.raises(CommandError, match=f"{re.escape(finance_lead.username)} may not import data"):
        call_command(
            "import_data", "contacts", str(contacts_file), "--confirm", "--as", finance_lead.username
        )

    assert not Contact.objects.filter(email="bo@example.invalid").exists()


def test_the_import_command_prints_the_problems_and_writes_nothing(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        csv_file(
            CONTACT_HEADER,
            [["301", "Bo Example", "bo@example.invalid", "dcs"], ["301", "Cy", "not-an-email", "dcs"]],
        )
    )
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_data", "contacts", str(path), "--confirm", stdout=out)

    assert "Row 3, column email: Enter a valid email address." in out.getvalue()
    assert not Contact.objects.filter(email="bo@example.invalid").exists()
