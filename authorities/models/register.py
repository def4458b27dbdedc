"""The register of English local authorities with education responsibility, past and present."""

from __future__ import annotations

import re
from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

la_code_validator = RegexValidator(r"^\d{3}$", "A DfE LA code is three digits, like 202.")
gss_code_validator = RegexValidator(r"^E\d{8}$", "An ONS GSS code is E and eight digits, like E09000007.")


def normalise_name(name: str) -> str:
    """The form names are compared in: case, spacing, commas and full stops do not count."""
    return re.sub(r"\s+", " ", re.sub(r"[.,]", " ", name)).strip().casefold()


class Region(models.Model):
    gss_code = models.CharField("GSS code", max_length=9, unique=True, validators=[gss_code_validator])
    name = models.CharField(max_length=64, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuthorityType(models.TextChoices):
    COUNTY = "county", "County"
    LONDON_BOROUGH = "london_borough", "London borough"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    UNITARY_AUTHORITY = "unitary_authority", "Unitary authority"


class AmbiguousAuthorityName(LookupError):
    pass


class UnknownAuthorityName(LookupError):
    pass


class LocalAuthorityQuerySet(models.QuerySet):
    def operating_on(self, day: date) -> LocalAuthorityQuerySet:
        return self.filter(operated_from__lte=day).filter(
            Q(operated_until__isnull=True) | Q(operated_until__gte=day)
        )

    def matching_name(self, name: str) -> LocalAuthorityQuerySet:
        """Authorities whose official name or a recorded alias is `name`."""
        key = normalise_name(name)
        return self.filter(Q(name_key=key) | Q(aliases__name_key=key)).distinct()

    def resolve(self, name: str, *, on: date | None = None) -> LocalAuthority:
        """The one authority a name means (on a date, where names were reused); else a clear error."""
        candidates = self.matching_name(name)
        if on is not None:
            candidates = candidates.operating_on(on)
        found = list(candidates[:2])
        if not found:
            when = f" operating on {on:%-d %B %Y}" if on else ""
            raise UnknownAuthorityName(f"No authority{when} is called “{name}”.")
        if len(found) > 1:
            raise AmbiguousAuthorityName(
                f"“{name}” matches more than one authority ({', '.join(a.label for a in found)}): "
                "give its LA code."
            )
        return found[0]


class LocalAuthority(models.Model):
    la_code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[la_code_validator],
        help_text="DfE's three-digit code: the identifier that stays the same across time.",
    )
    name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=100, editable=False, blank=True, db_index=True)
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        unique=True,
        validators=[gss_code_validator],
        help_text="The ONS code in use now (or when the authority ended); earlier codes are kept below.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="authorities")
    la_type = models.CharField("type", max_length=32, choices=AuthorityType.choices)
    operated_from = models.DateField()
    operated_until = models.DateField(null=True, blank=True, help_text="Last day of operation.")
    successors = models.ManyToManyField(
        "self", through="Succession", symmetrical=False, related_name="predecessors", blank=True
    )
    history = HistoricalRecords()

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name", "la_code"]
        constraints = [
            models.CheckConstraint(
                name="authority_operates_before_it_ends",
                condition=Q(operated_until__isnull=True) | Q(operated_until__gte=models.F("operated_from")),
                violation_error_message="An authority cannot end before it begins.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name_key = normalise_name(self.name)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.la_code})"

    def operates_on(self, day: date) -> bool:
        return self.operated_from <= day and (self.operated_until is None or day <= self.operated_until)


class GssCode(models.Model):
    """Every ONS GSS code an authority has had, the current one included, with its dates."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="gss_codes")
    code = models.CharField(max_length=9, unique=True, validators=[gss_code_validator])
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "GSS code"
        ordering = ["authority", "valid_from"]

    def __str__(self) -> str:
        return self.code


class AuthorityAlias(models.Model):
    """Another spelling of an authority's name, such as the source document's."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=100, unique=True, editable=False, blank=True)
    source = models.CharField(max_length=200, help_text="Where this spelling is used.")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "authority aliases"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name_key = normalise_name(self.name)


class Succession(models.Model):
    """An authority taking over (in whole or part) from one that ended."""

    predecessor = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    successor = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    effective_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on})"
