from django.urls import path

from . import views
from .views import agreements, diagnostic, enrolment, grants, self_assessment, tiering

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("tiering/", tiering.proposal_list_view, name="tiering"),
    path("tiering/<int:pk>/", tiering.proposal_detail_view, name="tiering-detail"),
    path("tiering/<int:pk>/approve/", tiering.proposal_approve_view, name="tiering-approve"),
    path("DBV/progress/", diagnostic.dbv_progress_view, name="dbv-progress"),
    path("diagnostics/<int:pk>/", diagnostic.diagnostic_detail_view, name="diagnostic"),
    path(
        "diagnostics/<int:pk>/stages/<int:number>/",
        diagnostic.diagnostic_stage_view,
        name="diagnostic-stage",
    ),
    path("diagnostics/<int:pk>/engagements/new/", diagnostic.engagement_log_view, name="engagement-log"),
    path(
        "diagnostics/<int:pk>/engagements/new/check/",
        diagnostic.engagement_log_check_view,
        name="engagement-log-check",
    ),
    path("diagnostics/<int:pk>/training/new/", diagnostic.training_log_view, name="training-log"),
    path(
        "diagnostics/<int:pk>/training/new/check/",
        diagnostic.training_log_check_view,
        name="training-log-check",
    ),
    path("training-sessions/<int:pk>/logged/", diagnostic.training_logged_view, name="training-logged"),
    path("enrolments/<int:pk>/", enrolment.enrolment_detail_view, name="enrolment"),
    # Before the transitions' pattern, which would take "agreement" for a transition.
    path("enrolments/<int:pk>/agreement/", agreements.agreement_create_view, name="agreement-create"),
    path(
        "enrolments/<int:pk>/agreement/check/",
        agreements.agreement_create_check_view,
        name="agreement-create-check",
    ),
    path(
        "enrolments/<int:pk>/<slug:transition>/", enrolment.enrolment_question_view, name="enrolment-question"
    ),
    path(
        "enrolments/<int:pk>/<slug:transition>/check/", enrolment.enrolment_check_view, name="enrolment-check"
    ),
    path("enrolments/<int:pk>/<slug:transition>/done/", enrolment.enrolment_done_view, name="enrolment-done"),
    # Inviting several authorities: before invite/<la_code>/, which "check" and "sent" would otherwise match.
    path("invite/", enrolment.invite_many_question_view, name="invite-many"),
    path("invite/check/", enrolment.invite_many_check_view, name="invite-many-check"),
    path("invite/sent/", enrolment.invite_many_sent_view, name="invite-many-sent"),
    path("invite/<str:la_code>/", enrolment.invite_question_view, name="invite"),
    path("invite/<str:la_code>/check/", enrolment.invite_check_view, name="invite-check"),
    path("grants/", grants.grant_totals_view, name="grants"),
    path("grants/awarded/", grants.grants_awarded_view, name="grants-awarded"),
    path("grants/payments/", grants.grant_payments_view, name="grant-payments"),
    path("grants/<int:pk>/awarded/", grants.grant_awarded_view, name="grant-awarded"),
    path("diagnostics/<int:pk>/grant/", grants.grant_award_view, name="grant-award"),
    path("diagnostics/<int:pk>/grant/check/", grants.grant_award_check_view, name="grant-award-check"),
    path("agreements/", agreements.agreement_list_view, name="agreements"),
    path("agreements/<int:pk>/", agreements.agreement_detail_view, name="agreement"),
    path("agreements/<int:pk>/recorded/", agreements.agreement_recorded_view, name="agreement-recorded"),
    path("agreements/<int:pk>/details/", agreements.agreement_details_view, name="agreement-details"),
    path("agreements/<int:pk>/vary/", agreements.agreement_vary_view, name="agreement-vary"),
    path(
        "agreements/<int:pk>/vary/check/", agreements.agreement_vary_check_view, name="agreement-vary-check"
    ),
    path(
        "agreements/<int:pk>/variations/<int:number>/",
        agreements.agreement_varied_view,
        name="agreement-varied",
    ),
    path("monitoring-reports/<int:pk>/assess/", agreements.report_assess_view, name="report-assess"),
    path(
        "monitoring-reports/<int:pk>/assess/check/",
        agreements.report_assess_check_view,
        name="report-assess-check",
    ),
    path("monitoring-reports/<int:pk>/assessed/", agreements.report_assessed_view, name="report-assessed"),
    path("instalments/<int:pk>/decide/", agreements.instalment_decide_view, name="instalment-decide"),
    path(
        "instalments/<int:pk>/decide/check/",
        agreements.instalment_decide_check_view,
        name="instalment-decide-check",
    ),
    path("instalments/<int:pk>/decided/", agreements.instalment_decided_view, name="instalment-decided"),
    path("self-assessment/", self_assessment.self_assessment_view, name="self-assessment"),
    path(
        "self-assessment/<int:number>/",
        self_assessment.self_assessment_area_view,
        name="self-assessment-area",
    ),
    path("self-assessment/check/", self_assessment.self_assessment_check_view, name="self-assessment-check"),
    path("self-assessments/", self_assessment.self_assessment_comparison_view, name="self-assessments"),
    path(
        "self-assessments/<int:pk>/",
        self_assessment.self_assessment_detail_view,
        name="self-assessment-detail",
    ),
    path(
        "self-assessments/<int:pk>/submitted/",
        self_assessment.self_assessment_submitted_view,
        name="self-assessment-submitted",
    ),
    path("<str:code>/", views.programme_detail_view, name="detail"),
]
