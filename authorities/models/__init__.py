"""The register of authorities, their contacts and their DSG figures."""

from .contacts import Contact, ContactRole
from .dsg import DsgFigure, FigureSource
from .register import (
    AmbiguousAuthorityName,
    AuthorityAlias,
    AuthorityType,
    GssCode,
    LocalAuthority,
    Region,
    Succession,
    UnknownAuthorityName,
    normalise_name,
)

__all__ = [
    "AmbiguousAuthorityName",
    "AuthorityAlias",
    "AuthorityType",
    "Contact",
    "ContactRole",
    "DsgFigure",
    "FigureSource",
    "GssCode",
    "LocalAuthority",
    "Region",
    "Succession",
    "UnknownAuthorityName",
    "normalise_name",
]
