"""Forms of the grants and payments pages (SPEC §4.6), in GOV.UK style (crispy-forms-gds)."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from portal.financial_year import FinancialYearFormField
from portal.forms import DayMonthYearField
from portal.money import MoneyFormField

from .models import PaymentStatus, ProgrammeCode

# The programmes that pay grants: Safety Valve contributions and DBV implementation grants.
GRANT_PROGRAMMES = [
    (ProgrammeCode.SAFETY_VALVE, "Safety Valve"),
    (ProgrammeCode.DBV, "DBV"),
]
PAYMENT_ROWS = 3


class DbvGrantAwardForm(forms.Form):
    """The award of a DBV implementation grant: its amount, award date and up to three payments."""

    amount = MoneyFormField(
        label="Grant amount, in pounds",
        help_text="For example, 1250000.00",
        error_messages={"required": "Enter the grant amount, like 1250000.00"},
    )
    awarded_on = DayMonthYearField(
        what="award date",
        label="Awarded on",
        help_text="The day DfE awarded the grant. For example, 15 6 2023",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        payments = []
        for number in range(1, PAYMENT_ROWS + 1):
            first = number == 1
            due = f"payment_{number}_due_on"
            amount = f"payment_{number}_amount"
            self.fields[due] = DayMonthYearField(
                what=f"due date of payment {number}",
                label="Due on",
                required=first,
                help_text="For example, 30 6 2023" if first else "Leave blank if there is no such payment",
            )
            self.fields[amount] = MoneyFormField(
                label="Amount, in pounds",
                required=first,
                error_messages={"required": f"Enter the amount of payment {number}"},
            )
            payments.append(
                Fieldset(
                    Field(due, context={"legend_size": Size.for_legend(Size.SMALL)}),
                    Field.text(amount, field_width=10),
                    legend=f"Payment {number}",
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("amount", field_width=10),
            Field("awarded_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            *payments,
            Button("submit", "Continue"),
        )

    def clean(self):
        cleaned = super().clean()
        for number in range(2, PAYMENT_ROWS + 1):
            due, amount = cleaned.get(f"payment_{number}_due_on"), cleaned.get(f"payment_{number}_amount")
            if due and amount is None and f"payment_{number}_amount" not in self.errors:
                self.add_error(f"payment_{number}_amount", f"Enter the amount of payment {number}")
            if amount is not None and not due and f"payment_{number}_due_on" not in self.errors:
                self.add_error(f"payment_{number}_due_on", f"Enter the due date of payment {number}")
        return cleaned

    def payments(self) -> list[tuple[date, object]]:
        """The payments entered, each a (due_on, amount), for dbv_grant_award."""
        rows = []
        for number in range(1, PAYMENT_ROWS + 1):
            due = self.cleaned_data.get(f"payment_{number}_due_on")
            amount = self.cleaned_data.get(f"payment_{number}_amount")
            if due and amount is not None:
                rows.append((due, amount))
        return rows


class GrantRowsFilterForm(forms.Form):
    """The filters of the rows behind a total. An unknown value is an error, never ignored."""

    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        choices=[("", "All programmes"), *GRANT_PROGRAMMES],
        error_messages={
            "invalid_choice": "Choose Safety Valve or DBV (“%(value)s” is not a programme that pays grants)"
        },
    )
    financial_year = FinancialYearFormField(
        label="Financial year",
        required=False,
        help_text="Like 2023-24. Leave blank for every year.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            *self.layout_fields(), Button("submit", "Show", css_class="govuk-button--secondary")
        )

    def layout_fields(self) -> list:
        return [Field.select("programme"), Field.text("financial_year", field_width=5)]


class PaymentRowsFilterForm(GrantRowsFilterForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *PaymentStatus.choices],
        error_messages={
            "invalid_choice": "Choose scheduled, released or withheld (“%(value)s” is not a payment status)"
        },
    )

    def layout_fields(self) -> list:
        return [*super().layout_fields(), Field.select("status")]
