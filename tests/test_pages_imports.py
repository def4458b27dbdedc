"""Imports in the browser (SPEC §4.10): a DfE official chooses the kind, uploads a file, sees the dry run and confirms.

Nothing is written until the whole file is clean and the official has confirmed what the preview showed.
"""

import csv
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from openpyxl import Workbook

from authorities.models import DsgFigure
from portal.import_pages import PENDING_DIR

pytestmark = pytest.mark.django_db

HEADER = ["la_code", "financial_year", "source", "total_dsg_allocation", "cumulative_balance", "notes"]
GOOD_ROWS = [
    ["301", "2022-23", "la_return", "250000000.00", "-1234567.89", ""],
    ["302", "2022-23", "la_return", "310000000", "-20.5", "Recovery plan agreed"],
    ["370", "2022-23", "LA return", "1,250,000.10", "0", ""],
    ["800", "2022-23", "la_return", "99.99", "-£1,000.01", ""],
]
# Row 4 of the file (the header is row 1): an amount that is not pounds and pence.
BAD_ROWS = [*GOOD_ROWS[:2], ["370", "2022-23", "la_return", "twelve pounds", "0", ""], *GOOD_ROWS[3:]]


def csv_bytes(rows, header=HEADER) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return text.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "figures.csv", kind: str = "dsg-figures"):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/imports/", {"kind": kind, "file": file})


def la_return_figures() -> tuple[int, int]:
    """(LA-return DSG figures, their history rows): what an official would see change."""
    return DsgFigure.objects.filter(source="la_return").count(), DsgFigure.history.filter(
        source="la_return"
    ).count()


def kept_files() -> list[str]:
    return default_storage.listdir(PENDING_DIR)[1] if default_storage.exists(PENDING_DIR) else []


def test_the_choose_page_says_what_each_kind_holds_and_its_columns(client_for, dfe_official):
    response = client_for(dfe_official).get("/imports/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    for label in ("DSG figures", "Enrolments", "Authority contacts", "DfE&#x27;s published DSG allocations"):
        assert label in page
    assert "Columns: la_code, financial_year, source; optional: total_dsg_allocation" in page
    assert "5 MB or smaller" in page


def test_a_file_with_one_bad_row_shows_the_row_and_column_and_writes_nothing(client_for, dfe_official):
    client = client_for(dfe_official)
    before = la_return_figures()

    response = upload(client, csv_bytes(BAD_ROWS))
    assert response.status_code == 302
    preview = client.get(response.url)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "govuk-error-summary" in page and 'href="#problem-1"' in page
    assert re.search(r"<td[^>]*>4</td>\s*<td[^>]*>total_dsg_allocation</td>", page)
    assert "Row 4, column total_dsg_allocation" in page
    assert "Confirm and import" not in page
    assert "Upload a corrected file" in page and "/imports/?kind=dsg-figures" in page
    assert la_return_figures() == before
    # Confirming anyway (a crafted POST) writes nothing either.
    assert client.post(response.url).status_code == 409
    assert la_return_figures() == before


def test_the_corrected_file_previews_clean_and_confirming_writes_every_row_in_the_officials_name(
    client_for, dfe_official
):
    client = client_for(dfe_official)
    before = la_return_figures()

    preview_url = upload(client, csv_bytes(GOOD_ROWS)).url
    preview = client.get(preview_url)
    page = preview.content.decode()
    assert preview.status_code == 200 and "govuk-error-summary" not in page
    assert re.search(r"New rows</dt>\s*<dd[^>]*>4</dd>", page)
    assert "Confirm and import" in page
    assert la_return_figures() == before  # a preview writes nothing

    done = client.post(preview_url, follow=True)

    assert done.redirect_chain[-1][0] == "/imports/done/"
    assert "Import complete" in done.content.decode()
    assert re.search(r"New rows</dt>\s*<dd[^>]*>4</dd>", done.content.decode())
    assert la_return_figures() == (before[0] + 4, before[1] + 4)
    assert {row.history_user for row in DsgFigure.history.filter(source="la_return")} == {dfe_official}
    assert kept_files() == []  # the kept upload is gone, and its page with it
    assert client.get(preview_url).status_code == 404


def test_an_xlsx_workbook_imports_like_a_csv(client_for, dfe_official):
    client = client_for(dfe_official)
    before = la_return_figures()

    preview_url = upload(client, xlsx_bytes(GOOD_ROWS), name="figures.xlsx").url
    assert "Confirm and import" in client.get(preview_url).content.decode()
    client.post(preview_url)

    assert la_return_figures() == (before[0] + 4, before[1] + 4)


def test_a_file_whose_meaning_changed_since_the_preview_is_not_imported(client_for, dfe_official):
    client = client_for(dfe_official)
    preview_url = upload(client, csv_bytes(GOOD_ROWS)).url
    client.get(preview_url)  # every row "new"
    # Meanwhile the same figures are imported in another session: the rows are now unchanged.
    other = Client()
    other.force_login(dfe_official)
    other_url = upload(other, csv_bytes(GOOD_ROWS[:2])).url
    other.get(other_url)
    assert other.post(other_url).status_code == 302
    written = la_return_figures()

    response = client.post(preview_url)

    assert response.status_code == 409
    assert "The records changed since you saw the preview" in response.content.decode()
    assert la_return_figures() == written
    # Seen again, the new preview can be confirmed.
    client.post(preview_url)
    assert la_return_figures()[0] == written[0] + 2


def test_another_sessions_upload_cannot_be_previewed_or_confirmed(client_for, dfe_official):
    preview_url = upload(client_for(dfe_official), csv_bytes(GOOD_ROWS)).url
    other = Client()
    other.force_login(dfe_official)

    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url).status_code == 404
    assert len(kept_files()) == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("figures.pdf", b"%PDF-1.7 not a spreadsheet", "The selected file must be a CSV or XLSX file"),
        ("figures.xlsx", b"la_code,financial_year\n301,2022-23\n", "its contents are not a Excel workbook"),
        (
            "figures.csv",
            "la_code,financial_year,source\n301,2022-23,Dépôt\n".encode("cp1252"),
            "not UTF-8 text",
        ),
        (
            "figures.csv",
            csv_bytes([["301", "2022-23"]], header=["la_code", "year"]),
            "Columns not recognised: year",
        ),
    ],
)
def test_a_file_that_is_not_a_csv_or_xlsx_of_the_kind_is_refused_clearly(
    client_for, dfe_official, name, content, message
):
    response = upload(client_for(dfe_official), content, name=name)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert 'href="#id_file"' in page
    assert kept_files() == []


def test_an_oversize_file_is_refused_with_the_limit(client_for, dfe_official, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    content = csv_bytes(GOOD_ROWS) + b"," * (1024 * 1024)

    response = upload(client_for(dfe_official), content)

    assert response.status_code == 400
    assert "The file is bigger than 1 MB, the most we import at once" in response.content.decode()
    assert kept_files() == []


def test_choosing_nothing_asks_for_the_kind_and_the_file(client_for, dfe_official):
    response = client_for(dfe_official).post("/imports/", {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Select what you are importing" in page and "Select a CSV or XLSX file" in page


@pytest.mark.parametrize("role", ["newton_partner", "finance_lead", "steering_member"])
def test_other_roles_cannot_import(request, client_for, dfe_official, role):
    preview_url = upload(client_for(dfe_official), csv_bytes(GOOD_ROWS)).url
    client = Client()
    client.force_login(request.getfixturevalue(role))
    before = la_return_figures()

    assert client.get("/imports/").status_code == 403
    assert upload(client, csv_bytes(GOOD_ROWS)).status_code == 403
    assert client.get(preview_url).status_code == 403
    assert client.post(preview_url).status_code == 403
    assert client.get("/imports/done/").status_code == 403
    assert la_return_figures() == before
    assert "Import data" not in client.get("/home/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/imports/")

    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_the_dfe_officials_home_page_links_to_imports(client_for, dfe_official):
    page = client_for(dfe_official).get("/home/").content.decode()

    assert 'href="/imports/"' in page and "Import data" in page
