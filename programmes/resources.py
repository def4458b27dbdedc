"""Spreadsheet columns for enrolments. An import enrols through programmes.services.enrolment, never by writing status."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export.fields import Field

from authorities.models import LocalAuthority
from portal.errors import DomainError
from portal.imports import ChoiceWidget, LookupWidget, PortalResource, TextWidget, cell_text

from .models import Cohort, Enrolment, EnrolmentStatus, Programme
from .services.enrolment import enrolment_invite, enrolment_transition

S = EnrolmentStatus

#: The statuses an import can bring an enrolment to, in the order the lifecycle reaches them.
LIFECYCLE = (S.INVITED, S.ACCEPTED, S.ACTIVE, S.COMPLETED)
STEP_INTO = {S.ACCEPTED: "accept", S.ACTIVE: "activate", S.COMPLETED: "complete"}


def steps_between(current: str, target: str) -> list[str]:
    """The transitions that take an enrolment from `current` forward to `target`."""
    if current not in LIFECYCLE:
        raise DomainError(f"This enrolment is {current}: an import cannot reopen it.", field="status")
    start, end = LIFECYCLE.index(current), LIFECYCLE.index(target)
    if end < start:
        raise DomainError(
            f"This enrolment is already {current}: an import cannot move it back to {target}.", field="status"
        )
    return [STEP_INTO[status] for status in LIFECYCLE[start + 1 : end + 1]]


class EnrolmentResource(PortalResource):
    """Enrolments by LA code, programme code, cohort name and status (invited, accepted, active or completed).

    A row for an authority not yet in the cohort invites it and moves it on to the status; a row for
    an enrolment already at that status is skipped; one behind it is moved forward.
    """

    kind_label = "enrolment"
    key_columns = ("la_code", "programme", "cohort")
    required_columns = ("la_code", "programme", "cohort", "status")

    la_code = Field(
        attribute="authority",
        column_name="la_code",
        widget=LookupWidget(LocalAuthority, "la_code", missing="No authority has the LA code “{value}”."),
    )
    programme = Field(
        column_name="programme",
        readonly=True,
        widget=LookupWidget(
            Programme, "code", missing="No programme has the code “{value}”: use SV, DBV or ESFA."
        ),
    )
    cohort = Field(
        attribute="cohort__name", column_name="cohort", readonly=True, widget=TextWidget(required=True)
    )
    status = Field(
        attribute="status",
        column_name="status",
        readonly=True,
        widget=ChoiceWidget([(status.value, status.label) for status in LIFECYCLE]),
    )

    class Meta:
        model = Enrolment
        fields = ("la_code", "programme", "cohort", "status")
        import_id_fields = ("la_code",)
        clean_model_instances = False  # the service validates; the model would ask for a status first

    def get_queryset(self):
        return super().get_queryset().select_related("authority", "cohort__programme")

    def dehydrate_programme(self, enrolment: Enrolment) -> str:
        cohort = getattr(enrolment, "cohort", None)
        return cohort.programme.code if cohort else ""

    def _read(self, row) -> tuple[dict, dict[str, str]]:
        """The row's authority, cohort and target status, and {column: message} for what cannot be read."""
        values, errors = {}, {}
        for column in ("la_code", "programme", "status"):
            try:
                values[column] = self.fields[column].clean(row)
            except ValueError as error:
                errors[column] = str(error)
        if "programme" in values:
            programme, name = values["programme"], cell_text(row.get("cohort"))
            cohort = Cohort.objects.filter(programme=programme, name__iexact=name).first()
            if cohort is None:
                names = ", ".join(programme.cohorts.values_list("name", flat=True))
                errors["cohort"] = f"{programme.code} has no cohort called “{name}”: its cohorts are {names}."
            values["cohort"] = cohort
        return values, errors

    def get_instance(self, instance_loader, row):
        values, errors = self._read(row)
        if errors:
            return None
        return (
            Enrolment.objects.filter(
                authority=values["la_code"], cohort=values["cohort"], status__in=LIFECYCLE
            )
            .order_by("-created_at", "-pk")
            .first()
        )

    def import_instance(self, instance: Enrolment, row, **kwargs):
        values, errors = self._read(row)
        if errors:
            raise ValidationError(errors)
        instance.authority, instance.cohort = values["la_code"], values["cohort"]
        instance._import_target = values["status"]

    def skip_row(self, instance: Enrolment, original, row, import_validation_errors=None) -> bool:
        return (
            not import_validation_errors
            and instance.pk is not None
            and instance.status == self._target(instance)
        )

    def _target(self, instance: Enrolment) -> str:
        return getattr(instance, "_import_target", "")

    def save_instance(self, instance: Enrolment, is_create, row, **kwargs):
        reason = f"Imported from {self.file_name}." if self.file_name else "Imported from a file."
        try:
            enrolment = instance
            if is_create:
                enrolment = enrolment_invite(
                    actor=self.actor, authority=instance.authority, cohort=instance.cohort, reason=reason
                )
            for step in steps_between(enrolment.status, self._target(instance)):
                enrolment = enrolment_transition(
                    actor=self.actor, enrolment=enrolment, transition=step, reason=reason
                )
        except DomainError as refused:
            column = {"authority": "la_code", "cohort": "cohort"}.get(refused.field or "", "status")
            raise ValidationError({column: refused.message}) from refused
        instance.pk, instance.status = enrolment.pk, enrolment.status
        instance._state.adding = False
