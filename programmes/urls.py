from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("<str:code>/", views.programme_detail_view, name="detail"),
]
