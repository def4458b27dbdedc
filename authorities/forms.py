"""The DSG return question page's form (SPEC §4.7), in GOV.UK style (crispy-forms-gds).

The form reads the answers' shapes (a financial year, amounts in pounds); the rules they must meet are
the service's (authorities.services.dsg_return_checked), which the page runs before checking answers.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from portal.financial_year import FinancialYearFormField
from portal.money import MoneyFormField

MINUS = "Put a minus sign before a deficit, like -2500000.00"

HINTS = {
    "total_dsg_allocation": (
        "The Dedicated Schools Grant the authority was allocated for the year, all blocks together. "
        "For example, 250000000.00"
    ),
    "high_needs_allocation": (
        "The part of the DSG that funds provision for children and young people with special "
        "educational needs and disabilities"
    ),
    "in_year_balance": f"The DSG surplus or deficit of this year alone. {MINUS}",
    "cumulative_balance": f"The DSG balance carried forward at the end of the year, on 31 March. {MINUS}",
    "usable_reserves": (
        "The council's usable reserves at the end of the year, which could meet a deficit once the "
        "statutory override ends. Enter 0 if it has none"
    ),
}
LABELS = {
    "total_dsg_allocation": "Total DSG allocation, in pounds",
    "high_needs_allocation": "High needs block allocation, in pounds",
    "in_year_balance": "In-year DSG balance, in pounds",
    "cumulative_balance": "Cumulative DSG balance, in pounds",
    "usable_reserves": "Usable reserves, in pounds",
}
WHAT = {
    "total_dsg_allocation": "the total DSG allocation",
    "high_needs_allocation": "the high needs block allocation",
    "in_year_balance": "the in-year DSG balance",
    "cumulative_balance": "the cumulative DSG balance",
    "usable_reserves": "the usable reserves",
}


class DsgReturnForm(forms.Form):
    """One year's DSG figures of the authority: the year, five amounts in pounds and optional notes."""

    financial_year = FinancialYearFormField(
        label="Financial year",
        help_text="The year the figures are for, April to March. For example, 2022-23",
        error_messages={"required": "Enter the financial year, like 2022-23"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in LABELS.items():
            self.fields[name] = MoneyFormField(
                label=label,
                help_text=HINTS[name],
                error_messages={"required": f"Enter {WHAT[name]}, in pounds"},
            )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)",
            required=False,
            max_length=5000,
            help_text="Anything DfE should know about these figures",
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": "Notes must be 5,000 characters or fewer"},
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("financial_year", field_width=5),
            Fieldset(
                Field.text("total_dsg_allocation", field_width=10),
                Field.text("high_needs_allocation", field_width=10),
                legend="Allocations",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("in_year_balance", field_width=10),
                Field.text("cumulative_balance", field_width=10),
                Field.text("usable_reserves", field_width=10),
                legend="Balances at the end of the year",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("notes"),
            Button("submit", "Continue"),
        )
