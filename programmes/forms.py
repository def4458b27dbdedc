"""Forms of the programme pages, in GOV.UK style (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from authorities.models import FigureSource
from portal.financial_year import FinancialYear

from .models import Cohort, ProgrammeCode


class TieringProposalForm(forms.Form):
    reference_year = forms.CharField(
        label="Reference year",
        initial="2020-21",
        help_text="The financial year whose DSG figures rank the authorities, like 2020-21.",
        error_messages={"required": "Enter the reference year, like 2020-21"},
    )
    sv_places = forms.IntegerField(
        label="Safety Valve places",
        min_value=0,
        help_text="How many of the highest-ranked authorities to propose for Safety Valve.",
        # GOV.UK asks for a text input that brings up the numeric keypad, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of Safety Valve places",
            "invalid": "Enter the number of Safety Valve places as a whole number, like 20",
            "min_value": "The number of Safety Valve places must be 0 or more",
        },
    )
    source = forms.ChoiceField(
        label="Figures to use",
        choices=[("", "Published first, then LA returns, then demo")] + list(FigureSource.choices),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("reference_year", field_width=5),
            Field.text("sv_places", field_width=3),
            Field.select("source"),
            Button("submit", "Run the proposal"),
        )

    def clean_reference_year(self) -> FinancialYear:
        try:
            return FinancialYear.parse(self.cleaned_data["reference_year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class TieringApprovalForm(forms.Form):
    sv_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the Safety Valve authorities into"
    )
    dbv_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the DBV authorities into"
    )
    esfa_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the ESFA authorities into"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = Cohort.objects.select_related("programme")
        for name, code in (
            ("sv_cohort", ProgrammeCode.SAFETY_VALVE),
            ("dbv_cohort", ProgrammeCode.DBV),
            ("esfa_cohort", ProgrammeCode.ESFA),
        ):
            self.fields[name].queryset = cohorts.filter(programme__code=code)
            self.fields[name].error_messages["required"] = (
                f"Choose the cohort to {self.fields[name].label.lower()}"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("sv_cohort"),
            Field.select("dbv_cohort"),
            Field.select("esfa_cohort"),
            Button("submit", "Approve and send the invitations"),
        )
