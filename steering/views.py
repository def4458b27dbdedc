"""Pages of the Sector Steering Group (SPEC §4.11): the group (remit, members, meetings, actions), a
meeting (agenda, minutes, papers to download) and an action, which its owner or a DfE official updates.

Updating an action is reversible (the next update changes it again, and history keeps each), so its
question page leads straight to a confirmation, with no check-your-answers page
(docs/decisions/0027-deadlines-page-and-steering-pages.md).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import NotFound

from portal import access
from portal.access import Permission
from portal.api.files import file_name, file_response
from portal.forms import run_form

from .forms import ActionUpdateForm
from .selectors import action_detail, action_list, meeting_detail, meeting_list, paper_list, steering_group
from .services import action_update


@login_required
@require_GET
def group_view(request):
    group = steering_group(user=request.user)
    context = {"group": group}
    if access.can(request.user, Permission.VIEW_STEERING_GROUP_WORK):
        actions = list(action_list(user=request.user, group=group))
        context.update(
            meetings=meeting_list(user=request.user, group=group),
            actions=actions,
            my_actions=[action for action in actions if action.owner_id == request.user.pk],
        )
    context["can_view_dbv_progress"] = access.can(request.user, Permission.VIEW_DBV_PROGRESS)
    return render(request, "steering/group.html", context)


@login_required
@require_GET
def meeting_view(request, pk):
    meeting = meeting_detail(user=request.user, pk=pk)
    papers = [(paper, file_name(paper.file)) for paper in meeting.papers.all()]
    return render(request, "steering/meeting.html", {"meeting": meeting, "papers": papers})


@login_required
@require_GET
def paper_download_view(request, pk):
    """A paper's file, through the API's file-serving code path: only for someone who may see the paper."""
    paper = access.get_visible_or_404(request.user, paper_list(user=request.user), pk=pk)
    try:
        return file_response(paper.file)
    except NotFound as missing:
        raise Http404(str(missing.detail)) from missing


def _action_page(request, action, form, *, can_update: bool):
    return render(
        request,
        "steering/action.html",
        {"action": action, "form": form, "can_update": can_update},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_view(request, pk):
    action = action_detail(user=request.user, pk=pk)
    can_cancel = access.can(request.user, Permission.MANAGE_STEERING_GROUP, action.group)
    if request.method == "POST":
        access.require(request.user, Permission.UPDATE_STEERING_ACTION, action)  # someone else's: 403
        form = ActionUpdateForm(request.POST, can_cancel=can_cancel)
        updated = run_form(
            form,
            lambda data: action_update(
                actor=request.user, action=action, status=data["status"], update=data["update"]
            ),
        )
        if updated is not None:
            return redirect("steering:action-updated", pk=action.pk)
        return _action_page(request, action, form, can_update=True)
    if not access.can(request.user, Permission.UPDATE_STEERING_ACTION, action):
        return _action_page(request, action, None, can_update=False)
    form = ActionUpdateForm(initial={"status": action.status, "update": action.update}, can_cancel=can_cancel)
    return _action_page(request, action, form, can_update=True)


@login_required
@require_GET
def action_updated_view(request, pk):
    action = action_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.UPDATE_STEERING_ACTION, action)
    return render(request, "steering/action_updated.html", {"action": action})
