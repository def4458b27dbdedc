"""The steering group action page's form, in GOV.UK style (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from .models import ActionStatus

# What the action's owner may report; DfE officials, who run the group, may also cancel an action.
OWNER_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Where is the action?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the action is",
            "invalid_choice": "Choose where the action is from the list",
        },
    )
    update = forms.CharField(
        label="Progress note",
        required=False,
        help_text="What has been done and what is left. The group and DfE see it; the note before is kept in history.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )

    def __init__(self, *args, can_cancel: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [*OWNER_STATUSES, ActionStatus.CANCELLED] if can_cancel else OWNER_STATUSES
        self.fields["status"].choices = [(status.value, status.label) for status in statuses]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("update", label_size=Size.MEDIUM),
            Button("submit", "Save the update"),
        )
