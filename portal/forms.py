"""Forms for the cross-cutting pages, in GOV.UK style through crispy-forms-gds, and `run_form`: the one
way a page runs a service.

A page that writes validates a form, calls a service with the cleaned data and shows what the
service refused on the same form:

    form = TieringProposalForm(request.POST or None)
    if request.method == "POST":
        proposal = run_form(form, lambda data: tiering_propose(actor=request.user, **data))
        if proposal is not None:
            return redirect("programmes:tiering-detail", pk=proposal.pk)
    return render(request, "programmes/tiering_list.html", {"form": form}, status=400 if form.errors else 200)

The page's template shows the form's errors in the GOV.UK error summary (`{% include
"gds/layout/error_summary.html" %}`, crispy-forms-gds) and by each field, as for any invalid form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .errors import DomainError

Result = TypeVar("Result")


def run_form(form: forms.Form, call: Callable[[dict], Result]) -> Result | None:
    """Validate `form` and, if valid, run `call(form.cleaned_data)`, usually a service: its result.

    None when the form is not valid or the service refused: a `DomainError` becomes an error on the
    form, on the field it names when the form has that field, else a non-field error (shown at the
    top of the GOV.UK error summary). Services answer the record they wrote, so a page tells success
    by the result; other exceptions pass (a 500, or the 403/404 of the access policy).
    """
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return None


class DayMonthYearField(DateInputField):
    """The GOV.UK date input: day, month and year boxes, each `inputmode="numeric"`, whose every message
    names the date it asks for ("Enter the award date", "The award date must be a real date").

    `example` is the date the messages give as an example of each part (27 3 2023 unless told). The
    error summary (templates/gds/layout/error_summary.html) links an error of the whole date to its
    Day input, `id_<name>_0`, as the Design System asks.
    """

    def __init__(self, *, what: str, example: date = date(2023, 3, 27), **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.what = what
        self.example = example
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a day, month and year"
        parts = (("day", example.day), ("month", example.month), ("year", example.year))
        for part, widget, (name, number) in zip(self.fields, self.widget.widgets, parts, strict=True):
            part.error_messages["incomplete"] = f"The {what} must include a {name}"
            part.validators[0].message = f"The {what}'s {name} must be a number, like {number}"
            widget.attrs["inputmode"] = "numeric"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError):  # 31 2 2023, month 13, year 0: never Python's own words
            example = f"{self.example.day} {self.example.month} {self.example.year}"
            raise ValidationError(f"The {self.what} must be a real date, like {example}") from None


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account cannot sign in.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # Django autofocuses the username, which takes screen reader users past the heading and
        # the explanation; GOV.UK pages leave focus alone (the error summary takes it on errors).
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=20, autocomplete="username", spellcheck="false"),
            Field.text("password", field_width=20, autocomplete="current-password"),
            Button("submit", "Sign in"),
        )
