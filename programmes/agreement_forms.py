"""Forms of the Safety Valve agreement pages (SPEC §4.5), in GOV.UK style (crispy-forms-gds).

The forms only read what was typed; every rule (targets year by year to the year the deficit is
eliminated, instalments adding up to the contribution, ...) is the service's, shown on the form by
`run_form`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from portal.financial_year import FinancialYearFormField
from portal.forms import DayMonthYearField
from portal.money import MoneyFormField, format_pounds

from .models import Assessment

# Rows offered for new terms; a variation offers at least one more than the agreement has now.
TARGET_ROWS = 8
INSTALMENT_ROWS = 10


def _conditions_field() -> forms.CharField:
    return forms.CharField(
        label="Conditions",
        help_text="The reforms the authority commits to. Write each condition on a line of its own.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the agreement's conditions, one on each line"},
    )


class _TermsRows(forms.Form):
    """Conditions, yearly targets and instalments, as rows of fields; blank rows are left out."""

    target_rows = TARGET_ROWS
    instalment_rows = INSTALMENT_ROWS

    def __init__(
        self, *args, target_rows: int = TARGET_ROWS, instalment_rows: int = INSTALMENT_ROWS, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.target_rows, self.instalment_rows = target_rows, instalment_rows

    def _add_rows(self, *, instalments_legend: str) -> list:
        self.fields["conditions"] = _conditions_field()
        targets = []
        for number in range(1, self.target_rows + 1):
            year, in_year, cumulative = (
                f"target_{number}_{part}" for part in ("year", "in_year", "cumulative")
            )
            self.fields[year] = FinancialYearFormField(
                label="Financial year",
                required=False,
                help_text="For example, 2023-24" if number == 1 else "",
            )
            self.fields[in_year] = MoneyFormField(label="In-year balance, in pounds", required=False)
            self.fields[cumulative] = MoneyFormField(label="Cumulative balance, in pounds", required=False)
            targets.append(
                Fieldset(
                    Field.text(year, field_width=5),
                    Field.text(in_year, field_width=10),
                    Field.text(cumulative, field_width=10),
                    legend=f"Target {number}",
                    legend_size=Size.SMALL,
                )
            )
        instalments = []
        for number in range(1, self.instalment_rows + 1):
            due, amount = f"instalment_{number}_due_on", f"instalment_{number}_amount"
            self.fields[due] = DayMonthYearField(
                what=f"due date of instalment {number}",
                label="Due on",
                required=False,
                help_text="For example, 15 12 2023" if number == 1 else "",
            )
            self.fields[amount] = MoneyFormField(label="Amount, in pounds", required=False)
            instalments.append(
                Fieldset(
                    Field(due, context={"legend_size": Size.for_legend(Size.SMALL)}),
                    Field.text(amount, field_width=10),
                    legend=f"Instalment {number}",
                    legend_size=Size.SMALL,
                )
            )
        return [
            Field.textarea("conditions"),
            Fieldset(
                *targets,
                legend="Yearly targets",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*instalments, legend=instalments_legend, legend_size=Size.MEDIUM),
        ]

    def clean(self):
        cleaned = super().clean()
        for number in range(1, self.target_rows + 1):
            names = [f"target_{number}_{part}" for part in ("year", "in_year", "cumulative")]
            given = [cleaned.get(name) not in (None, "") for name in names]
            if any(given) and not all(given):
                for name, present, what in zip(
                    names, given, ("financial year", "in-year balance", "cumulative balance"), strict=True
                ):
                    if not present and name not in self.errors:
                        self.add_error(name, f"Enter the {what} of target {number}")
        for number in range(1, self.instalment_rows + 1):
            due, amount = f"instalment_{number}_due_on", f"instalment_{number}_amount"
            if cleaned.get(due) and cleaned.get(amount) is None and amount not in self.errors:
                self.add_error(amount, f"Enter the amount of instalment {number}")
            if cleaned.get(amount) is not None and not cleaned.get(due) and due not in self.errors:
                self.add_error(due, f"Enter the due date of instalment {number}")
        return cleaned

    def conditions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("conditions", "").splitlines() if line.strip()]

    def targets(self) -> list[tuple]:
        rows = []
        for number in range(1, self.target_rows + 1):
            year = self.cleaned_data.get(f"target_{number}_year")
            if year:
                rows.append(
                    (
                        year,
                        self.cleaned_data.get(f"target_{number}_in_year"),
                        self.cleaned_data.get(f"target_{number}_cumulative"),
                    )
                )
        return rows

    def instalments(self) -> list[tuple[date, Decimal]]:
        rows = []
        for number in range(1, self.instalment_rows + 1):
            due = self.cleaned_data.get(f"instalment_{number}_due_on")
            amount = self.cleaned_data.get(f"instalment_{number}_amount")
            if due and amount is not None:
                rows.append((due, amount))
        return rows

    def instalments_total(self) -> Decimal | None:
        """What the instalments typed add up to (for the page to show against the total), once they read."""
        if not hasattr(self, "cleaned_data"):
            return None
        return sum((amount for _, amount in self.instalments()), Decimal("0.00"))


def terms_initial(*, conditions, targets, instalments) -> dict:
    """The rows' initial values from an agreement's current terms."""
    initial = {"conditions": "\n".join(condition.text for condition in conditions)}
    for number, target in enumerate(targets, start=1):
        initial[f"target_{number}_year"] = str(target.financial_year)
        initial[f"target_{number}_in_year"] = f"{target.in_year_balance:.2f}"
        initial[f"target_{number}_cumulative"] = f"{target.cumulative_balance:.2f}"
    for number, payment in enumerate(instalments, start=1):
        initial[f"instalment_{number}_due_on"] = [
            payment.due_on.day,
            payment.due_on.month,
            payment.due_on.year,
        ]
        initial[f"instalment_{number}_amount"] = f"{payment.amount:.2f}"
    return initial


class AgreementForm(_TermsRows):
    """A signed agreement, as recorded for the first time."""

    signed_on = DayMonthYearField(
        what="date the agreement was signed", label="Signed on", help_text="For example, 15 3 2022"
    )
    published_url = forms.CharField(
        label="Address of the published agreement (optional)",
        help_text="Its page on GOV.UK, like https://www.gov.uk/…",
        required=False,
    )
    deficit_at_signing = MoneyFormField(
        label="Deficit at signing, in pounds",
        help_text="The cumulative DSG deficit when the agreement was signed. For example, 60000000",
        error_messages={"required": "Enter the deficit at signing, like 60000000"},
    )
    total_contribution = MoneyFormField(
        label="Total DfE contribution, in pounds",
        help_text="The instalments below must add up to it exactly.",
        error_messages={"required": "Enter the total DfE contribution, like 40000000"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = self._add_rows(instalments_legend="Instalments of the DfE contribution")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("signed_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.text("published_url"),
            Field.text("deficit_at_signing", field_width=10),
            Field.text("total_contribution", field_width=10),
            *rows,
            Button("submit", "Continue"),
        )


class VariationForm(_TermsRows):
    """A variation: when and why, and the conditions, targets and still-scheduled instalments after it."""

    varied_on = DayMonthYearField(
        what="date of the variation", label="Date of the variation", help_text="For example, 1 6 2023"
    )
    reason = forms.CharField(
        label="Why is the agreement being varied?",
        help_text="It is kept with the agreement and shown on its page.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the agreement is being varied"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = self._add_rows(instalments_legend="Instalments still to be decided")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("varied_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.textarea("reason"),
            *rows,
            Button("submit", "Continue"),
        )


class AgreementDetailsForm(forms.Form):
    """A correction of what was recorded of the agreement as signed."""

    signed_on = AgreementForm.base_fields["signed_on"]
    published_url = AgreementForm.base_fields["published_url"]
    deficit_at_signing = AgreementForm.base_fields["deficit_at_signing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("signed_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.text("published_url"),
            Field.text("deficit_at_signing", field_width=10),
            Button("submit", "Save the correction"),
        )


class AssessmentForm(forms.Form):
    assessment = forms.ChoiceField(
        label="How is the authority doing against its agreement?",
        choices=[Choice(value, label) for value, label in Assessment.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select on track, at risk or off track"},
    )
    notes = forms.CharField(
        label="Comment",
        help_text="Needed when the report is at risk or off track: the authority reads it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("assessment", legend_size=Size.MEDIUM),
            Field.textarea("notes"),
            Button("submit", "Continue"),
        )


RELEASE, WITHHOLD = "release", "withhold"


class InstalmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Release or withhold this instalment?",
        choices=[Choice(RELEASE, "Release it"), Choice(WITHHOLD, "Withhold it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select release or withhold"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        help_text="When withholding: the condition or target not met. The authority reads it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )
    override_reason = forms.CharField(
        label="Override reason",
        help_text="Only when releasing after an off-track assessment: why release it anyway.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, off_track: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("reason")]
        if off_track:
            fields.append(Field.textarea("override_reason"))
        else:
            del self.fields["override_reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, Button("submit", "Continue"))


def pounds_or_blank(amount) -> str:
    return "" if amount is None else format_pounds(amount)
