"""Root URLs."""

from django.contrib import admin
from django.urls import include, path

from authorities import views as authority_views
from deadlines import views as deadline_views
from portal import import_pages
from portal import views as portal_views
from programmes.views.authority import authority_detail_view, authority_list_view

from . import views
from .deadline_links import LINKS as DEADLINE_LINKS
from .history_views import history_view

portal_patterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("sign-in/", portal_views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", portal_views.SignOutView.as_view(), name="sign-out"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("imports/", import_pages.import_choose_view, name="imports"),
    path("imports/done/", import_pages.import_done_view, name="import-done"),
    path("imports/<str:token>/", import_pages.import_preview_view, name="import-preview"),
]

authority_patterns = [
    path("", authority_list_view, name="list"),
    path("<str:la_code>/", authority_detail_view, name="detail"),
    path("<str:la_code>/dsg-return/", authority_views.dsg_return_view, name="dsg-return"),
    path("<str:la_code>/dsg-return/check/", authority_views.dsg_return_check_view, name="dsg-return-check"),
    path(
        "<str:la_code>/dsg-return/submitted/<int:pk>/",
        authority_views.dsg_return_submitted_view,
        name="dsg-return-submitted",
    ),
]

deadline_patterns = [
    path("", deadline_views.deadline_list_view, {"links": DEADLINE_LINKS}, name="list"),
    path("<int:pk>/extend/", deadline_views.extend_view, name="extend"),
    path("<int:pk>/extend/check/", deadline_views.extend_check_view, name="extend-check"),
    path("<int:pk>/extend/done/", deadline_views.extend_done_view, name="extend-done"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("authorities/", include((authority_patterns, "authorities"))),
    path("programmes/", include("programmes.urls")),
    path("steering-group/", include("steering.urls")),
    path("deadlines/", include((deadline_patterns, "deadlines"))),
    path("history/<str:record>/<int:pk>/", history_view, name="history"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
]
