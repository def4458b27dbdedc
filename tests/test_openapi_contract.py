"""The API contract is held still: docs/api/openapi.yaml is the schema the code generates.

A change to any endpoint, field, filter or error shows in this file's diff, so it is deliberate and
reviewed. After changing the API on purpose, write the new document and commit it with the change:

    DEBUG=1 .venv/bin/python manage.py spectacular --file docs/api/openapi.yaml
"""

from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.yaml"


def test_the_committed_openapi_document_is_the_one_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(generated), validate=True, fail_on_warn=True)
    assert generated.read_text() == COMMITTED.read_text(), (
        "The API schema differs from docs/api/openapi.yaml. If the change is meant, regenerate it: "
        "DEBUG=1 .venv/bin/python manage.py spectacular --file docs/api/openapi.yaml"
    )
