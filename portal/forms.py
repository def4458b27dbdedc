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
from typing import TypeVar

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
