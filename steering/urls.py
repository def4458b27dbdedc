from django.urls import path

from . import views

app_name = "steering"

urlpatterns = [
    path("", views.group_view, name="group"),
    path("meetings/<int:pk>/", views.meeting_view, name="meeting"),
    path("papers/<int:pk>/download/", views.paper_download_view, name="paper-download"),
    path("actions/<int:pk>/", views.action_view, name="action"),
    path("actions/<int:pk>/updated/", views.action_updated_view, name="action-updated"),
]
