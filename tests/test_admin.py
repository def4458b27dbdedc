"""The admin: enrolment moves only through the service, imports are all or nothing, every write names its author."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from authorities.models import Contact, DsgFigure, LocalAuthority
from authorities.resources import DsgFigureResource
from programmes.models import Cohort, Enrolment, EnrolmentTransition, TieringProposal
from programmes.services.enrolment import enrolment_invite, enrolment_transition

pytestmark = pytest.mark.django_db

ENROLMENTS = "/admin/programmes/enrolment/"


@pytest.fixture
def admin_client(client_for, dfe_official):
    return client_for(dfe_official)


@pytest.fixture
def esfa_enrolments(dfe_official):
    """Three authorities newly invited into ESFA 2022-23."""
    esfa = Cohort.objects.get(programme__code="ESFA")
    return [
        enrolment_invite(actor=dfe_official, authority=LocalAuthority.objects.get(la_code=code), cohort=esfa)
        for code in ("301", "302", "370")
    ]


def run_action(client, action: str, enrolments, reason: str = ""):
    data = {"action": action, "_selected_action": [e.pk for e in enrolments], "reason": reason, "index": 0}
    response = client.post(ENROLMENTS, data, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Enrolment actions --------------------------------------------------------------------------


def test_the_accept_action_moves_enrolments_through_the_service_and_records_who(
    admin_client, dfe_official, esfa_enrolments
):
    messages = run_action(admin_client, "accept", esfa_enrolments[:2])

    assert messages == ["2 enrolment(s) now accepted."]
    for enrolment in esfa_enrolments[:2]:
        enrolment.refresh_from_db()
        assert enrolment.status == "accepted"
        last = enrolment.transitions.last()
        assert (last.name, last.from_status, last.to_status, last.actor) == (
            "accept",
            "invited",
            "accepted",
            dfe_official,
        )
        assert enrolment.history.first().history_user == dfe_official
    esfa_enrolments[2].refresh_from_db()
    assert esfa_enrolments[2].status == "invited"


def test_the_admin_refuses_a_decline_without_a_reason(admin_client, esfa_enrolments):
    transitions = EnrolmentTransition.objects.count()

    messages = run_action(admin_client, "decline", esfa_enrolments[:1], reason="  ")

    assert messages == ["Give a reason to decline the selected enrolments: none was changed."]
    esfa_enrolments[0].refresh_from_db()
    assert esfa_enrolments[0].status == "invited"
    assert EnrolmentTransition.objects.count() == transitions


def test_a_decline_with_a_reason_records_the_reason(admin_client, dfe_official, esfa_enrolments):
    run_action(admin_client, "decline", esfa_enrolments[:1], reason="The authority opted out by letter.")

    esfa_enrolments[0].refresh_from_db()
    assert esfa_enrolments[0].status == "declined"
    last = esfa_enrolments[0].transitions.last()
    assert (last.name, last.reason, last.actor) == (
        "decline",
        "The authority opted out by letter.",
        dfe_official,
    )


def test_a_refused_transition_is_reported_for_its_row_and_the_others_still_move(
    admin_client, dfe_official, esfa_enrolments
):
    accepted, invited = esfa_enrolments[0], esfa_enrolments[1]
    enrolment_transition(actor=dfe_official, enrolment=accepted, transition="accept")

    messages = run_action(admin_client, "activate", [accepted, invited])

    assert (
        "Barnet (302): An enrolment that is invited cannot be active (“activate”). Allowed: accept, decline, withdraw."
        in messages
    )
    assert "1 enrolment(s) now active." in messages
    accepted.refresh_from_db()
    invited.refresh_from_db()
    assert (accepted.status, invited.status) == ("active", "invited")


def test_withdraw_complete_and_activate_are_actions(admin_client, esfa_enrolments):
    enrolment = esfa_enrolments[0]
    run_action(admin_client, "accept", [enrolment])
    run_action(admin_client, "activate", [enrolment])
    run_action(admin_client, "complete", [enrolment])
    run_action(admin_client, "withdraw", esfa_enrolments[1:2], reason="Merged into another programme.")

    assert [
        e.status
        for e in Enrolment.objects.filter(pk__in=[e.pk for e in esfa_enrolments[:2]]).order_by(
            "authority__la_code"
        )
    ] == [
        "completed",
        "withdrawn",
    ]


# --- Adding and viewing an enrolment ------------------------------------------------------------


def test_adding_an_enrolment_in_the_admin_invites_through_the_service(admin_client, dfe_official):
    authority = LocalAuthority.objects.get(la_code="303")
    esfa = Cohort.objects.get(programme__code="ESFA")

    response = admin_client.post(
        f"{ENROLMENTS}add/", {"authority": authority.pk, "cohort": esfa.pk, "reason": "Tiering proposal."}
    )

    enrolment = Enrolment.objects.get(authority=authority, cohort=esfa)
    assert response.status_code == 302 and response["Location"].endswith(f"/{enrolment.pk}/change/")
    assert enrolment.status == "invited"
    [invite] = enrolment.transitions.all()
    assert (invite.name, invite.actor, invite.reason) == ("invite", dfe_official, "Tiering proposal.")
    assert enrolment.history.get().history_user == dfe_official


def test_the_admin_add_page_shows_a_broken_enrolment_rule_on_the_form(admin_client):
    already_in_dbv = LocalAuthority.objects.get(la_code="207")
    esfa = Cohort.objects.get(programme__code="ESFA")
    before = Enrolment.objects.count()

    response = admin_client.post(f"{ENROLMENTS}add/", {"authority": already_in_dbv.pk, "cohort": esfa.pk})

    assert response.status_code == 200
    assert "Kensington and Chelsea (207) already has an open enrolment" in response.content.decode()
    assert Enrolment.objects.count() == before


def test_the_status_cannot_be_edited_in_the_admin(admin_client, esfa_enrolments):
    enrolment = esfa_enrolments[0]
    page = admin_client.get(f"{ENROLMENTS}{enrolment.pk}/change/").content.decode()
    assert 'name="status"' not in page
    assert "invite" in page  # the transition log is shown under the enrolment

    admin_client.post(f"{ENROLMENTS}{enrolment.pk}/change/", {"status": "completed", "case_lead": ""})

    enrolment.refresh_from_db()
    assert enrolment.status == "invited"


def test_an_enrolment_cannot_be_reverted_to_an_earlier_status_from_its_history(
    admin_client, dfe_official, esfa_enrolments
):
    enrolment = esfa_enrolments[0]
    enrolment_transition(actor=dfe_official, enrolment=enrolment, transition="accept")
    invited_version = enrolment.history.order_by("history_id").first()
    history_page = f"{ENROLMENTS}{enrolment.pk}/history/{invited_version.history_id}/"
    assert admin_client.get(f"{ENROLMENTS}{enrolment.pk}/history/").status_code == 200
    assert admin_client.get(history_page).status_code == 200

    response = admin_client.post(history_page, {"case_lead": ""})

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "accepted"


def test_transitions_and_tiering_proposals_are_read_only_in_the_admin(
    admin_client, dfe_official, esfa_enrolments
):
    transition = EnrolmentTransition.objects.first()
    assert admin_client.get("/admin/programmes/enrolmenttransition/").status_code == 200
    assert admin_client.get("/admin/programmes/enrolmenttransition/add/").status_code == 403
    admin_client.post(
        f"/admin/programmes/enrolmenttransition/{transition.pk}/change/", {"reason": "rewritten"}
    )
    transition.refresh_from_db()
    assert transition.reason != "rewritten"
    TieringProposal.objects.create(reference_year="2020-21", sv_places=20, created_by=dfe_official)
    assert admin_client.get("/admin/programmes/tieringproposal/").status_code == 200
    assert admin_client.get("/admin/programmes/tieringproposal/add/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/admin/authorities/contact/",
        "/admin/authorities/dsgfigure/?financial_year=2020-21&source=demo",
        "/admin/authorities/dsgfigure/?q=207",
        "/admin/programmes/enrolment/?cohort__programme__id__exact=2&status=invited",
        "/admin/programmes/enrolment/?q=Kensington",
        "/admin/programmes/partnerassignment/",
        "/admin/programmes/enrolment/add/",
        "/admin/authorities/localauthority/",
    ],
)
def test_the_admin_lists_open_for_a_dfe_official(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_the_enrolment_list_finds_an_authority_by_la_code(admin_client):
    page = admin_client.get(f"{ENROLMENTS}?q=207").content.decode()
    assert "Kensington and Chelsea" in page


# --- Import and export through the admin --------------------------------------------------------

CONTACTS = "/admin/authorities/contact/"
CONTACT_HEADER = ["la_code", "name", "email", "role"]


def csv_upload(rows: list[list], name: str = "contacts.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text).writerows([CONTACT_HEADER, *rows])
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8"), content_type="text/csv")


def test_an_admin_import_is_a_dry_run_then_a_confirmed_write_naming_the_importer(admin_client, dfe_official):
    rows = [
        ["301", "Di Example", "di@example.invalid", "dcs"],
        ["302", "Ed Example", "ed@example.invalid", "send_lead"],
    ]

    dry_run = admin_client.post(f"{CONTACTS}import/", {"resource": "0", "import_file": csv_upload(rows)})

    assert dry_run.status_code == 200
    assert not Contact.objects.filter(email__endswith="@example.invalid").exists()
    confirm = dry_run.context["confirm_form"]
    assert confirm is not None

    done = admin_client.post(f"{CONTACTS}process_import/", confirm.initial, follow=True)

    assert "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped contacts." in messages_of(done)
    contacts = Contact.objects.filter(email__endswith="@example.invalid")
    assert contacts.count() == 2
    assert {contact.history.get().history_user for contact in contacts} == {dfe_official}


def test_an_admin_import_with_a_bad_row_writes_nothing_and_names_the_row_and_column(admin_client):
    rows = [
        ["301", "Di Example", "di@example.invalid", "dcs"],
        ["999", "Ed Example", "ed@example.invalid", "dcs"],
    ]

    response = admin_client.post(f"{CONTACTS}import/", {"resource": "0", "import_file": csv_upload(rows)})

    page = response.content.decode()
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert (invalid.number, invalid.field_specific_errors) == (
        3,
        {"la_code": ["No authority has the LA code “999”."]},
    )
    assert "No authority has the LA code “999”." in page
    assert not Contact.objects.filter(email__endswith="@example.invalid").exists()


def test_the_admin_confirm_step_writes_nothing_if_a_row_has_gone_bad_since_the_dry_run(
    admin_client, dfe_official
):
    header = "la_code,programme,cohort,status\n"
    upload = SimpleUploadedFile(
        "e.csv", (header + "301,ESFA,2022-23,invited\n302,ESFA,2022-23,invited\n").encode()
    )
    dry_run = admin_client.post(f"{ENROLMENTS}import/", {"resource": "0", "import_file": upload})
    confirm = dry_run.context["confirm_form"]
    sv = Cohort.objects.get(programme__code="SV")
    enrolment_invite(actor=dfe_official, authority=LocalAuthority.objects.get(la_code="302"), cohort=sv)
    before = Enrolment.objects.count()

    done = admin_client.post(f"{ENROLMENTS}process_import/", confirm.initial, follow=True)

    assert Enrolment.objects.count() == before
    assert not Enrolment.objects.filter(authority__la_code="301").exists()
    messages = messages_of(done)
    assert any(
        m.startswith("Row 3, column la_code: Barnet (302) already has an open enrolment") for m in messages
    )
    assert "Nothing was imported: correct the problems and import the whole file again." in messages


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("contacts.pdf", b"%PDF-1.4"), "is not a CSV or XLSX file"),
        (SimpleUploadedFile("contacts.xlsx", b"la_code,name\n"), "is not an Excel workbook"),
        (
            SimpleUploadedFile("contacts.csv", "la_code,name\n301,Zo\u00eb\n".encode("utf-16")),
            "is not UTF-8 text",
        ),
        (SimpleUploadedFile("contacts.csv", b"la_code,nom\n301,x\n"), "Columns not recognised: nom"),
    ],
)
def test_the_admin_import_form_refuses_the_wrong_type_of_file(admin_client, upload, message):
    response = admin_client.post(f"{CONTACTS}import/", {"resource": "0", "import_file": upload})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["import_file"])


def test_the_admin_import_form_refuses_an_oversize_file(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("contacts.csv", b"la_code,name,email,role\n" + b"\n" * (1024 * 1024))

    response = admin_client.post(f"{CONTACTS}import/", {"resource": "0", "import_file": upload})

    assert "bigger than 1 MB" in " ".join(response.context["form"].errors["import_file"])


def test_an_la_finance_lead_cannot_reach_the_admin_import(client_for, finance_lead):
    response = client_for(finance_lead).post(
        f"{CONTACTS}import/",
        {"resource": "0", "import_file": csv_upload([["207", "X", "x@example.invalid", "dcs"]])},
    )

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Contact.objects.filter(email="x@example.invalid").exists()


def test_an_admin_export_makes_formula_text_inert_and_keeps_negative_money_a_number(admin_client):
    DsgFigure.objects.create(
        authority=LocalAuthority.objects.get(la_code="301"),
        financial_year="2022-23",
        source="la_return",
        cumulative_balance="-1234.50",
        notes="=cmd|' /C calc'!A0",
    )
    selected = {f"dsgfigureresource_{name}": "on" for name in DsgFigureResource.fields}

    response = admin_client.post(
        "/admin/authorities/dsgfigure/export/?source__exact=la_return",
        {"format": "0", "resource": "0", **selected},
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    [row] = [row for row in rows if row["la_code"] == "301" and row["financial_year"] == "2022-23"]
    assert row["notes"] == "'=cmd|' /C calc'!A0"
    assert row["cumulative_balance"] == "-1234.50"


def test_an_admin_edit_leaves_a_history_row_naming_who_made_it(admin_client, dfe_official):
    contact = Contact.objects.create(
        authority=LocalAuthority.objects.get(la_code="301"), name="Fi", email="fi@example.invalid", role="dcs"
    )

    response = admin_client.post(
        f"{CONTACTS}{contact.pk}/change/",
        {
            "authority": contact.authority_id,
            "name": "Fi Example",
            "email": contact.email,
            "role": "dcs",
            "user": "",
        },
    )

    assert response.status_code == 302
    latest = contact.history.first()
    assert (latest.name, latest.history_user) == ("Fi Example", dfe_official)


def _registered_models():
    from django.contrib import admin

    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", _registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_list_opens_for_a_dfe_official_and_for_no_one_else(
    admin_client, client_for, finance_lead, model
):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert admin_client.get(url).status_code == 200
    response = client_for(finance_lead).get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _a_row_made_through_its_service(label: str):
    """A Payment, MonitoringReport, DiagnosticStage or steering Action, made through its service."""
    from programmes.factories import dbv_enrolment, sv_agreement
    from steering.factories import steering_action

    if label in ("programmes.Payment", "programmes.MonitoringReport"):
        agreement = sv_agreement()
        if label == "programmes.Payment":
            return agreement.contribution.payments.first()
        return agreement.monitoring_reports.first()
    if label == "programmes.DiagnosticStage":
        return dbv_enrolment().diagnostic.stages.first()
    return steering_action()


@pytest.mark.parametrize(
    "label",
    ["programmes.Payment", "programmes.MonitoringReport", "programmes.DiagnosticStage", "steering.Action"],
)
def test_records_with_a_service_cannot_be_added_or_changed_in_the_admin(admin_client, label):
    from django.apps import apps

    model = apps.get_model(label)
    assert (
        admin_client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/").status_code == 403
    )
    row = _a_row_made_through_its_service(label)
    assert isinstance(row, model)
    response = admin_client.post(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/change/", {}
    )
    assert response.status_code == 403
