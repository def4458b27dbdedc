"""Uploaded documents through the API: served only by a view that found the record in the caller's scope.

A resource with a file answers `GET /<resource>/{id}/download/` (an extra action whose `get_object()`
applies the access policy, so an out-of-scope record is a 404 like any other), never a /media/ URL.
Its serializer gives `download_url`, built with `download_url()`. Uploads come in as
multipart/form-data (the one place the API takes a body that is not JSON).
"""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse

from .errors import ErrorSerializer

# The media types a download answers with: the upload types portal.uploads allows, else bytes.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "odt": "application/vnd.oasis.opendocument.text",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

MULTIPART = "multipart/form-data"
# The 415 answer an upload documents: its body carries a file.
MULTIPART_ONLY = OpenApiResponse(
    response=ErrorSerializer, description="The body must be multipart/form-data (it carries the file)."
)


def file_name(file) -> str:
    return PurePath(file.name).name if file else ""


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(PurePath(name).suffix.lower().lstrip("."), DEFAULT_CONTENT_TYPE)


def download_url(serializer, url_name: str, pk: int) -> str:
    """The absolute URL of a record's download action (relative when there is no request)."""
    return reverse(url_name, kwargs={"pk": pk}, request=serializer.context.get("request"))


def file_response(file) -> FileResponse:
    """The stored file as an attachment, typed by its extension; 404 when the file itself is missing."""
    if not file:
        raise NotFound("This record has no file.")
    try:
        handle = file.open("rb")
    except OSError as missing:
        raise NotFound("The file of this record is missing from storage.") from missing
    name = file_name(file)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type_of(name))


def download_responses() -> dict:
    """The OpenAPI responses of a download action: the file in one of its types (errors are added as usual)."""
    binary = OpenApiResponse(response=OpenApiTypes.BINARY, description="The file, as an attachment.")
    return {(200, media_type): binary for media_type in [*CONTENT_TYPES.values(), DEFAULT_CONTENT_TYPE]}


class FileDownloadMixin:
    """Downloads answer whatever the Accept header asks for; errors still answer in JSON."""

    download_actions = frozenset({"download"})

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(
            request, force=force or self.action in self.download_actions
        )
