from django.urls import path

from . import views
from .views import diagnostic, enrolment, grants, tiering

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
    path("enrolments/<int:pk>/", enrolment.enrolment_detail_view, name="enrolment"),
    path(
        "enrolments/<int:pk>/<slug:transition>/", enrolment.enrolment_question_view, name="enrolment-question"
    ),
    path(
        "enrolments/<int:pk>/<slug:transition>/check/", enrolment.enrolment_check_view, name="enrolment-check"
    ),
    path("enrolments/<int:pk>/<slug:transition>/done/", enrolment.enrolment_done_view, name="enrolment-done"),
    path("invite/<str:la_code>/", enrolment.invite_question_view, name="invite"),
    path("invite/<str:la_code>/check/", enrolment.invite_check_view, name="invite-check"),
    path("grants/", grants.grant_totals_view, name="grants"),
    path("grants/awarded/", grants.grants_awarded_view, name="grants-awarded"),
    path("grants/payments/", grants.grant_payments_view, name="grant-payments"),
    path("grants/<int:pk>/awarded/", grants.grant_awarded_view, name="grant-awarded"),
    path("diagnostics/<int:pk>/grant/", grants.grant_award_view, name="grant-award"),
    path("diagnostics/<int:pk>/grant/check/", grants.grant_award_check_view, name="grant-award-check"),
    path("<str:code>/", views.programme_detail_view, name="detail"),
]
