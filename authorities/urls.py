from django.urls import path

from . import views

app_name = "authorities"

urlpatterns = [
    path("", views.authority_list_view, name="list"),
    path("<str:la_code>/", views.authority_detail_view, name="detail"),
]
