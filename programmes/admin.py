from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from authorities.models import LocalAuthority
from portal.access import Permission
from portal.admin_site import (
    NoRevertMixin,
    PortalImportExportMixin,
    PortalInline,
    PortalModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
)
from portal.errors import DomainError
from portal.roles import DeliveryPartner

from .models import (
    Agreement,
    Cohort,
    Diagnostic,
    DiagnosticStage,
    DiagnosticStageDefinition,
    Enrolment,
    EnrolmentStatus,
    EnrolmentTransition,
    FocusArea,
    FocusAreaQuestion,
    Grant,
    ManagementPlan,
    MonitoringReport,
    PartnerAssignment,
    Payment,
    Programme,
    SelfAssessment,
    StakeholderEngagement,
    TieringProposal,
    TrainingSession,
)
from .resources import EnrolmentResource
from .services.enrolment import TRANSITIONS, enrolment_invite, enrolment_transition


class CohortInline(PortalInline):
    model = Cohort
    manage_action = Permission.MANAGE_ENROLMENT


@admin.register(Programme)
class ProgrammeAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_ENROLMENT
    list_display = ["code", "name"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_ENROLMENT
    list_display = ["name", "programme", "financial_year", "tranche"]
    list_filter = ["programme"]
    list_select_related = ["programme"]


@admin.register(DiagnosticStageDefinition)
class DiagnosticStageDefinitionAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["number", "name"]


class QuestionInline(PortalInline):
    model = FocusAreaQuestion


@admin.register(FocusArea)
class FocusAreaAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["number", "title"]
    inlines = [QuestionInline]


# --- Enrolment: every change goes through programmes.services.enrolment -----------------------


class ReasonActionForm(helpers.ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason",
        help_text="Needed to decline or withdraw; recorded with the transition.",
        widget=forms.TextInput(attrs={"size": 60}),
    )


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalAuthority) -> str:
        return obj.label


class InviteForm(forms.Form):
    authority = AuthorityChoiceField(queryset=LocalAuthority.objects.none())
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.select_related("programme"))
    partners = forms.MultipleChoiceField(
        choices=DeliveryPartner.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="DBV only: the delivery partners who will work with the authority.",
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = LocalAuthority.objects.operating_on(timezone.localdate())


class TransitionInline(ReadOnlyInline):
    model = EnrolmentTransition
    fields = ["at", "name", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    verbose_name_plural = "transitions (who moved the enrolment, when and why)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Enrolment)
class EnrolmentAdmin(NoRevertMixin, PortalImportExportMixin, PortalModelAdmin, SimpleHistoryAdmin):
    """Enrolments: invited through the add page, moved by the actions; the status itself is never edited."""

    manage_action = Permission.MANAGE_ENROLMENT
    resource_classes = [EnrolmentResource]
    list_display = ["authority", "programme", "cohort", "status"]
    list_filter = ["cohort__programme", "cohort", "status"]
    list_select_related = ["authority", "cohort__programme"]
    search_fields = ["authority__name", "authority__la_code"]
    fields = ["authority", "cohort", "status", "replaces", "case_lead", "created_at", "updated_at"]
    readonly_fields = ["authority", "cohort", "status", "replaces", "created_at", "updated_at"]
    autocomplete_fields = ["case_lead"]
    inlines = [TransitionInline]
    action_form = ReasonActionForm
    actions = ["accept", "decline", "activate", "complete", "withdraw"]
    invite_template = "admin/programmes/enrolment/invite.html"

    @admin.display(description="programme", ordering="cohort__programme__code")
    def programme(self, enrolment: Enrolment) -> str:
        return enrolment.cohort.programme.code

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Invite an authority through the enrolment service, which applies every enrolment rule."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                enrolment = enrolment_invite(actor=request.user, **form.cleaned_data)
            except DomainError as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
            else:
                self.log_addition(request, enrolment, [{"added": {}}])
                self.message_user(request, f"{enrolment.authority.label} is invited into {enrolment.cohort}.")
                return redirect("admin:programmes_enrolment_change", enrolment.pk)
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": "Invite an authority",
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, self.invite_template, context)

    @admin.action(description="Accept the selected enrolments", permissions=["change"])
    def accept(self, request, queryset):
        self._move(request, queryset, "accept")

    @admin.action(description="Decline the selected enrolments (give a reason)", permissions=["change"])
    def decline(self, request, queryset):
        self._move(request, queryset, "decline")

    @admin.action(description="Activate the selected enrolments", permissions=["change"])
    def activate(self, request, queryset):
        self._move(request, queryset, "activate")

    @admin.action(description="Complete the selected enrolments", permissions=["change"])
    def complete(self, request, queryset):
        self._move(request, queryset, "complete")

    @admin.action(description="Withdraw the selected enrolments (give a reason)", permissions=["change"])
    def withdraw(self, request, queryset):
        self._move(request, queryset, "withdraw")

    def _move(self, request, queryset, transition: str) -> None:
        """Apply one transition to each selected enrolment, reporting each refusal by authority."""
        step = TRANSITIONS[transition]
        reason = request.POST.get("reason", "").strip()
        if step.needs_reason and not reason:
            self.message_user(
                request,
                f"Give a reason to {step.verb} the selected enrolments: none was changed.",
                messages.ERROR,
            )
            return
        moved = 0
        for enrolment in queryset.select_related("authority"):
            try:
                enrolment_transition(
                    actor=request.user, enrolment=enrolment, transition=transition, reason=reason
                )
            except DomainError as refused:
                self.message_user(request, f"{enrolment.authority.label}: {refused.message}", messages.ERROR)
            else:
                moved += 1
        if moved:
            status = EnrolmentStatus(step.target).label.lower()
            self.message_user(request, f"{moved} enrolment(s) now {status}.", messages.SUCCESS)


@admin.register(EnrolmentTransition)
class EnrolmentTransitionAdmin(ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin):
    list_display = ["enrolment", "name", "from_status", "to_status", "actor", "at", "reason"]
    list_filter = ["name", "to_status"]
    list_select_related = ["enrolment__authority", "enrolment__cohort__programme", "actor"]
    search_fields = ["enrolment__authority__name", "enrolment__authority__la_code"]


@admin.register(PartnerAssignment)
class PartnerAssignmentAdmin(PortalModelAdmin, SimpleHistoryAdmin):
    manage_action = Permission.MANAGE_ENROLMENT
    list_display = ["enrolment", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["enrolment__authority", "enrolment__cohort__programme"]
    search_fields = ["enrolment__authority__name", "enrolment__authority__la_code"]
    autocomplete_fields = ["enrolment"]


@admin.register(TieringProposal)
class TieringProposalAdmin(ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "reference_year",
        "sv_places",
        "dbv_places",
        "status",
        "created_by",
        "approved_by",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by", "approved_by"]


# --- Step 3 records: read-only here; they change only through their services (pages and API). ---


def _read_only_admin(model, *, list_display, list_filter=(), search_fields=(), list_select_related=()):
    """Register a read-only admin: the history is shown, and nothing can be edited, added or reverted."""
    attributes = {
        "list_display": list_display,
        "list_filter": list_filter,
        "search_fields": search_fields,
        "list_select_related": list_select_related,
    }
    admin_class = type(
        f"{model.__name__}Admin", (ReadOnlyAdminMixin, PortalModelAdmin, SimpleHistoryAdmin), attributes
    )
    admin.site.register(model, admin_class)


_AUTHORITY_SEARCH = ("enrolment__authority__name", "enrolment__authority__la_code")
_read_only_admin(
    Diagnostic,
    list_display=["enrolment", "planned_completion", "closed_at"],
    list_filter=["enrolment__cohort"],
    search_fields=_AUTHORITY_SEARCH,
    list_select_related=["enrolment__authority", "enrolment__cohort__programme"],
)
_read_only_admin(
    DiagnosticStage,
    list_display=["diagnostic", "definition", "status", "planned_date", "actual_date", "logged_by"],
    list_filter=["status", "definition"],
    search_fields=("diagnostic__enrolment__authority__name",),
    list_select_related=["diagnostic__enrolment__authority", "definition", "logged_by"],
)
_read_only_admin(
    StakeholderEngagement,
    list_display=["diagnostic", "kind", "held_on", "is_demo"],
    list_filter=["kind", "is_demo"],
    list_select_related=["diagnostic__enrolment__authority"],
)
_read_only_admin(
    TrainingSession,
    list_display=["diagnostic", "module", "held_on", "exceptional", "very_good", "good", "fair", "poor"],
    list_filter=["module"],
    list_select_related=["diagnostic__enrolment__authority"],
)
_read_only_admin(
    Agreement,
    list_display=["enrolment", "signed_on", "deficit_at_signing", "total_contribution", "is_demo"],
    search_fields=_AUTHORITY_SEARCH,
    list_select_related=["enrolment__authority", "enrolment__cohort__programme"],
)
_read_only_admin(
    MonitoringReport,
    list_display=["agreement", "due_on", "submitted_at", "assessment", "assessed_by"],
    list_filter=["assessment"],
    list_select_related=["agreement__enrolment__authority", "assessed_by"],
)
_read_only_admin(
    Grant,
    list_display=["enrolment", "kind", "amount", "awarded_on", "financial_year", "is_demo"],
    list_filter=["kind", "financial_year"],
    search_fields=_AUTHORITY_SEARCH,
    list_select_related=["enrolment__authority", "enrolment__cohort__programme"],
)
_read_only_admin(
    Payment,
    list_display=["grant", "number", "due_on", "amount", "status", "decided_by", "decided_at"],
    list_filter=["status", "financial_year"],
    list_select_related=["grant__enrolment__authority", "decided_by"],
)
_read_only_admin(
    ManagementPlan,
    list_display=["enrolment", "submitted_at", "review_outcome", "next_review_on"],
    list_filter=["review_outcome"],
    list_select_related=["enrolment__authority"],
)
_read_only_admin(
    SelfAssessment,
    list_display=["authority", "submitted_by", "submitted_at", "is_demo"],
    list_select_related=["authority", "submitted_by"],
)
