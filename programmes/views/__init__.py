"""Pages about the programmes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal import access
from portal.access import Permission

from ..models import ProgrammeCode
from ..selectors import diagnostic_stages, focus_areas, programme_detail, programme_list


@login_required
def programme_list_view(request):
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": programme_list(user=request.user),
            "focus_areas": focus_areas(user=request.user),
            "can_run_tiering": access.can(request.user, Permission.MANAGE_ENROLMENT),
        },
    )


@login_required
def programme_detail_view(request, code):
    programme = programme_detail(user=request.user, code=code)
    stages = diagnostic_stages(user=request.user) if programme.code == ProgrammeCode.DBV else None
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "stages": stages,
            "can_view_dbv_progress": programme.code == ProgrammeCode.DBV
            and access.can(request.user, Permission.VIEW_DBV_PROGRESS),
        },
    )
