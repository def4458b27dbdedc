"""Domain errors raised by a service, named after the API's inputs where the service names them otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from portal.errors import DomainError, TransitionNotAllowed


@contextmanager
def fields_renamed(rename: dict[str, str] | Callable[[str], str]) -> Iterator[None]:
    """Re-raise a DomainError whose field the service calls by another name under the input's name.

    `rename` maps the service's field names to the API's (or is a function doing so); a transition
    refused (409) and an error naming no field pass unchanged.
    """
    try:
        yield
    except TransitionNotAllowed:
        raise
    except DomainError as error:
        if not error.field:
            raise
        field = rename(error.field) if callable(rename) else rename.get(error.field, error.field)
        if field == error.field:
            raise
        raise DomainError(error.message, field=field) from error
