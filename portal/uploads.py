"""The one check for uploaded documents (DSG management plans, steering group papers): type and size.

A file is accepted only when its extension and its content agree on one of the allowed types, so a
renamed executable or a macro-enabled workbook is refused whatever it is called. The browser's
content type is never trusted.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from .errors import DomainError

DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# How much of a CSV file is read to judge that it is text.
_TEXT_SAMPLE_BYTES = 64 * 1024
# Control characters never found in a text file (tab, line feed and carriage return are allowed).
_BINARY_BYTES = set(range(0x00, 0x09)) | {0x0B, 0x0C} | set(range(0x0E, 0x20))
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class UploadType:
    extension: str
    name: str


PDF = UploadType("pdf", "PDF")
DOCX = UploadType("docx", "Word document (DOCX)")
XLSX = UploadType("xlsx", "Excel workbook (XLSX)")
CSV = UploadType("csv", "CSV")
ODT = UploadType("odt", "OpenDocument text (ODT)")
ALLOWED_TYPES = {kind.extension: kind for kind in (PDF, DOCX, XLSX, CSV, ODT)}


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)


def _allowed_names() -> str:
    names = [kind.extension.upper() for kind in ALLOWED_TYPES.values()]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _size_in_words(size: int) -> str:
    megabyte = 1024 * 1024
    if size >= megabyte:
        return f"{size // megabyte} MB" if size % megabyte == 0 else f"{size / megabyte:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def _open_zip(file) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _is_pdf(file) -> bool:
    return file.read(5) == b"%PDF-"


def _is_office_document(file, marker: str) -> bool:
    """An Office Open XML package (DOCX, XLSX) with the part that makes it that kind of document."""
    archive = _open_zip(file)
    if archive is None:
        return False
    with archive:
        names = archive.namelist()
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise DomainError(
            "The file contains macros, which are not accepted: save it without them.", field="file"
        )
    return "[Content_Types].xml" in names and marker in names


def _is_odt(file) -> bool:
    """An OpenDocument package declares its type in a `mimetype` entry."""
    archive = _open_zip(file)
    if archive is None:
        return False
    with archive:
        if "mimetype" not in archive.namelist():
            return False
        with archive.open("mimetype") as entry:
            return entry.read(len(_ODT_MIMETYPE) + 1).strip() == _ODT_MIMETYPE


def _is_text(file) -> bool:
    """CSV has no signature: accept text in UTF-8 (or Windows-1252, as Excel saves it), never binary."""
    sample = file.read(_TEXT_SAMPLE_BYTES)
    if len(sample) == _TEXT_SAMPLE_BYTES and b"\n" in sample:
        # Judge whole lines only, so a character cut at the end of the sample does not count against it.
        sample = sample[: sample.rindex(b"\n")]
    if sample.startswith((b"%PDF-", b"PK\x03\x04")) or _BINARY_BYTES.intersection(sample):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


_CONTENT_CHECKS = {
    "pdf": _is_pdf,
    "docx": lambda file: _is_office_document(file, "word/document.xml"),
    "xlsx": lambda file: _is_office_document(file, "xl/workbook.xml"),
    "odt": _is_odt,
    "csv": _is_text,
}


def check_upload(file, *, field: str = "file") -> UploadType:
    """Refuse an uploaded file that is missing, empty, too large, or not what its name says.

    Returns the file's type; leaves the file positioned at its start, ready to be saved.
    Raises DomainError (on `field`) with a message a user can act on.
    """
    if file is None:
        raise DomainError("Choose a file to upload.", field=field)
    name = PurePath(getattr(file, "name", "") or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ALLOWED_TYPES.get(extension)
    if kind is None:
        raise DomainError(f"The file must be a {_allowed_names()} file.", field=field)
    size = _size_of(file)
    if size == 0:
        raise DomainError("The selected file is empty.", field=field)
    limit = upload_max_bytes()
    if size > limit:
        raise DomainError(f"The file must be {_size_in_words(limit)} or smaller.", field=field)
    file.seek(0)
    try:
        matches = _CONTENT_CHECKS[extension](file)
    except DomainError as refused:
        raise DomainError(refused.message, field=field) from None
    finally:
        file.seek(0)
    if not matches:
        raise DomainError(
            f"The file is called .{extension} but its contents are not a {kind.name} file: "
            "upload the document itself, saved in that format.",
            field=field,
        )
    return kind
