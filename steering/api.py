"""API resources of the Sector Steering Group (SPEC §4.11), written only through steering.services.

- `steering-group/members`: every seat, the chair's included.
- `steering-group/meetings`: DfE adds (POST) and changes (PATCH) meetings and uploads their papers
  (POST .../{id}/papers/, multipart); the group's members read them.
- `steering-group/papers`: the papers, each file downloaded through .../{id}/download/, which asks the
  access policy (never a public /media/ address).
- `steering-group/actions`: DfE sets (POST), changes and deletes actions; the member who owns one
  reports on it (PATCH status and update). Another member's action answers 403.
"""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from portal.access import Permission
from portal.api.fields import ScopedPrimaryKeyRelatedField, WholeNumberFilter
from portal.api.files import (
    MULTIPART,
    MULTIPART_ONLY,
    FileDownloadMixin,
    download_responses,
    download_url,
    file_name,
    file_response,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet
from portal.models import User

from .models import (
    CLOSED_ACTION_STATUSES,
    Action,
    ActionStatus,
    Meeting,
    Member,
    MemberRole,
    Paper,
    SteeringGroup,
)
from .selectors import action_list, meeting_list, member_list, paper_list
from .services import (
    action_create,
    action_delete,
    action_update,
    meeting_create,
    meeting_update,
    paper_upload,
)


class SteeringMemberSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_abbreviation = serializers.CharField(source="organisation.abbreviation", read_only=True)
    role = serializers.ChoiceField(
        choices=MemberRole.choices, read_only=True, help_text="chair, co_chair or member"
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "number",
            "role",
            "name",
            "job_title",
            "organisation",
            "organisation_abbreviation",
            "vacant",
            "job_share",
            "started_on",
            "ended_on",
        ]
        read_only_fields = fields


class SteeringMemberFilter(filters.FilterSet):
    role = filters.ChoiceFilter(choices=MemberRole.choices)
    vacant = filters.BooleanFilter()

    class Meta:
        model = Member
        fields = ["role", "vacant"]


@resource_schema("steering-group", list="List the steering group's seats", retrieve="One seat")
class SteeringMemberViewSet(ScopedViewSet):
    """Seats of the Sector Steering Group, in their listed order; a vacant seat has no name."""

    queryset = Member.objects.all()
    serializer_class = SteeringMemberSerializer
    filterset_class = SteeringMemberFilter
    ordering_fields = ["number", "name", "role"]
    ordering = ["group", "number"]
    list_selector = member_list


# --- Meetings and their papers -----------------------------------------------------------------


class PaperSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    file_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="The paper's file, for whoever may see the group's papers (never a public address)."
    )
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = Paper
        fields = ["id", "meeting", "title", "file_name", "download_url", "uploaded_by", "uploaded_at"]
        read_only_fields = fields

    def get_file_name(self, paper) -> str:
        return file_name(paper.file)

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, paper) -> str:
        return download_url(self, "api:steering-paper-download", paper.pk)


class MeetingActionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Action
        fields = ["id", "description", "owner", "due_on", "status"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    papers = PaperSerializer(many=True, read_only=True)
    actions = MeetingActionSerializer(many=True, read_only=True, help_text="Actions set at the meeting.")

    class Meta:
        model = Meeting
        fields = ["id", "held_on", "title", "agenda", "minutes", "is_demo", "papers", "actions"]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    agenda = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=50_000)

    def validate(self, attrs):
        if self.partial and not attrs:
            raise serializers.ValidationError("Give what to change: held_on, title, agenda or minutes.")
        return attrs


class PaperUploadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, CSV or ODT, within the size limit.")


class MeetingFilter(filters.FilterSet):
    held_after = filters.DateFilter(field_name="held_on", lookup_expr="gte", help_text="Held on or after.")
    held_before = filters.DateFilter(field_name="held_on", lookup_expr="lte", help_text="Held on or before.")

    class Meta:
        model = Meeting
        fields = ["held_after", "held_before"]


def _the_group() -> SteeringGroup:
    return SteeringGroup.objects.get(name=SteeringGroup.SECTOR_STEERING_GROUP)


@resource_schema(
    "steering-group",
    list="List the steering group's meetings",
    retrieve="One meeting, with its papers and actions",
    create=operation("Add a meeting (DfE)", MeetingWriteSerializer, MeetingSerializer, 201),
    partial_update=operation(
        "Change a meeting (DfE): e.g. add its minutes", MeetingWriteSerializer, MeetingSerializer
    ),
    papers=operation(
        "Upload a paper for the meeting (DfE)",
        {MULTIPART: PaperUploadSerializer},
        PaperSerializer,
        201,
        id="steering_group_meetings_papers_upload",
        description="multipart/form-data: `title` and `file` (checked by type and size).",
        responses={415: MULTIPART_ONLY},
    ),
)
class MeetingViewSet(ScopedViewSet):
    """Meetings of the Sector Steering Group, newest first, with their papers and actions."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    http_method_names = ["get", "post", "patch", "head"]
    ordering_fields = ["held_on", "title"]
    ordering = ["-held_on", "-pk"]
    required_actions = {
        "create": Permission.MANAGE_STEERING_GROUP,
        "partial_update": Permission.MANAGE_STEERING_GROUP,
        "papers": Permission.MANAGE_STEERING_GROUP,
    }

    list_selector = meeting_list

    def create(self, request):
        return self.write(MeetingWriteSerializer, meeting_create, status.HTTP_201_CREATED, group=_the_group())

    def partial_update(self, request, pk=None):
        return self.write(MeetingWriteSerializer, meeting_update, partial=True, meeting=self.get_object())

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def papers(self, request, pk=None):
        meeting = self.get_object()
        paper = paper_upload(actor=request.user, meeting=meeting, **self.validated(PaperUploadSerializer))
        paper = paper_list(user=request.user).get(pk=paper.pk)
        return Response(
            PaperSerializer(paper, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class PaperFilter(filters.FilterSet):
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="Meeting id.")

    class Meta:
        model = Paper
        fields = ["meeting"]


@resource_schema(
    "steering-group",
    list="List the meetings' papers",
    retrieve="One paper",
    download=operation(
        "Download a paper's file", id="steering_group_papers_download", responses=download_responses()
    ),
)
class PaperViewSet(FileDownloadMixin, ScopedViewSet):
    """Papers of the group's meetings (uploaded with POST /steering-group/meetings/{id}/papers/)."""

    queryset = Paper.objects.all()
    serializer_class = PaperSerializer
    filterset_class = PaperFilter
    ordering_fields = ["uploaded_at", "title"]
    ordering = ["-meeting__held_on", "meeting_id", "title", "pk"]
    list_selector = paper_list

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return file_response(self.get_object().file)


# --- Actions -----------------------------------------------------------------------------------


class ActionSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True, allow_null=True)
    owner = serializers.CharField(source="owner.username", read_only=True, help_text="Username.")
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    open = serializers.BooleanField(source="is_open", read_only=True, help_text="Not done or cancelled.")

    class Meta:
        model = Action
        fields = [
            "id",
            "meeting",
            "description",
            "owner",
            "owner_name",
            "due_on",
            "status",
            "update",
            "open",
            "is_demo",
        ]
        read_only_fields = fields


class OwnerField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": "No active account has the username “{value}”.",
        "invalid": "Give the owner's username.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs)


class ActionCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=10_000, help_text="What is to be done.")
    owner = OwnerField(help_text="Username of a steering group member or DfE official.")
    due_on = serializers.DateField()
    meeting = ScopedPrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True, default=None, help_text="Set at."
    )


class ActionUpdateSerializer(serializers.Serializer):
    """The owner may change status and update; only DfE the due date and the owner."""

    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    update = serializers.CharField(required=False, allow_blank=True, max_length=10_000, help_text="Progress.")
    due_on = serializers.DateField(required=False, help_text="DfE only.")
    owner = OwnerField(required=False, help_text="DfE only: username of the new owner.")

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give what to change: status, update, due_on or owner.")
        return attrs


class ActionFilter(filters.FilterSet):
    mine = filters.BooleanFilter(method="filter_mine", help_text="true: the actions you own.")
    open = filters.BooleanFilter(method="filter_open", help_text="true: not done or cancelled.")
    status = filters.ChoiceFilter(choices=ActionStatus.choices)
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="Meeting id.")

    class Meta:
        model = Action
        fields = ["mine", "open", "status", "meeting"]

    def filter_mine(self, queryset, name, value):
        mine = Q(owner=self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_open(self, queryset, name, value):
        closed = Q(status__in=CLOSED_ACTION_STATUSES)
        return queryset.exclude(closed) if value else queryset.filter(closed)


@resource_schema(
    "steering-group",
    list="List the steering group's actions",
    retrieve="One action",
    create=operation(
        "Set an action (DfE)",
        ActionCreateSerializer,
        ActionSerializer,
        201,
        description="Each action is a deadline for its owner, a steering group member or a DfE official.",
    ),
    partial_update=operation(
        "Report on or change an action",
        ActionUpdateSerializer,
        ActionSerializer,
        description="DfE may change anything. The steering group member who owns the action may change its "
        "status and update only (moving its due date or owner is refused, 403); another member's action "
        "is refused (403).",
    ),
    destroy=operation(
        "Delete an action set in error (DfE)",
        description="A dropped action is better cancelled (status cancelled): it stays on record.",
        responses={204: OpenApiResponse(description="Deleted, with its deadline.")},
    ),
)
class ActionViewSet(ScopedViewSet):
    """Actions of the Sector Steering Group by due date: each has an owner and is a deadline."""

    queryset = Action.objects.all()
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    http_method_names = ["get", "post", "patch", "delete", "head"]
    ordering_fields = ["due_on", "status"]
    ordering = ["due_on", "pk"]
    required_actions = {
        "create": Permission.MANAGE_STEERING_GROUP,
        "partial_update": Permission.UPDATE_STEERING_ACTION,
        "destroy": Permission.MANAGE_STEERING_GROUP,
    }

    list_selector = action_list

    def create(self, request):
        return self.write(ActionCreateSerializer, action_create, status.HTTP_201_CREATED, group=_the_group())

    def partial_update(self, request, pk=None):
        return self.write(ActionUpdateSerializer, action_update, action=self.get_object())

    def destroy(self, request, pk=None):
        action_delete(actor=request.user, action=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
