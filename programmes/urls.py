from django.urls import path

from . import views
from .views import diagnostic, tiering

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
    path("<str:code>/", views.programme_detail_view, name="detail"),
]
