from django.urls import path

from . import views
from .views import tiering

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("tiering/", tiering.proposal_list_view, name="tiering"),
    path("tiering/<int:pk>/", tiering.proposal_detail_view, name="tiering-detail"),
    path("tiering/<int:pk>/approve/", tiering.proposal_approve_view, name="tiering-approve"),
    path("<str:code>/", views.programme_detail_view, name="detail"),
]
