"""OpenAPI schema helpers: every operation documents its error responses in the one error shape.

A resource documents its operations with `resource_schema` (one tag; list and retrieve summaries)
and each write with `operation` (summary, input, answer):

    @resource_schema(
        "diagnostics",
        list="List Diagnostics",
        retrieve="One Diagnostic, with its 12 stages",
        plan=operation("Set the planned completion", PlanSerializer, DiagnosticSerializer, id="diagnostics_plan"),
    )
    class DiagnosticViewSet(ScopedViewSet): ...
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS

from .errors import ErrorSerializer, TransitionErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "The input is not valid, or a rule refused it: `fields` names the inputs at fault.",
    "401": "Not signed in, or the token is not valid (send `Authorization: Token <token>`).",
    "403": "You may see this record but not do this.",
    "404": "No such record within your scope (records outside it answer exactly like absent ones).",
    "409": "The transition is not allowed from the record's current state: see `allowed_transitions`.",
    "415": "The request body must be JSON (Content-Type: application/json).",
    "429": "Too many requests: wait for the number of seconds in the Retry-After header.",
}

# The description the committed schema gives the list and retrieve of the two resources without a
# docstring of their own (cohorts, tiering-proposals): it once came from the base viewset's
# docstring. Kept word for word so the published document does not change; replace both together
# with a real description when the schema is next changed on purpose.
INHERITED_DESCRIPTION = (
    "A read-only resource (list and detail) whose rows are those the user may see.\n\n"
    "Subclasses set `queryset` (the model's rows) and override `optimise()` to add the\n"
    "select_related/prefetch_related (scoped with `self.visible`) that keep the number of SQL\n"
    "queries the same however many rows a page holds. Writes are extra actions (or create) that\n"
    "declare their policy action in `required_actions` and call a service."
)


def error_response(code: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=ERROR_DESCRIPTIONS[code])


def operation(
    summary: str,
    request=None,
    answer=None,
    code: int = 200,
    *,
    description: str | None = None,
    id: str | None = None,  # noqa: A002 (the OpenAPI name)
    **more,
) -> dict:
    """One operation's documentation, for `resource_schema`: what it does, its input and its answer.

    `answer` is the serializer of the success response (status `code`); `id` the operationId (extra
    actions need one: spectacular would add "_create"); `more` goes to extend_schema as it is
    (responses, parameters).
    """
    spec = {"summary": summary, **more}
    if description is not None:
        spec["description"] = description
    if id is not None:
        spec["operation_id"] = id
    if request is not None:
        spec["request"] = request
    if answer is not None:
        spec["responses"] = {code: answer, **spec.get("responses", {})}
    return spec


def resource_schema(tag: str, *, list: str | dict, retrieve: str | dict, **operations: dict):  # noqa: A002
    """extend_schema_view for a resource: every operation under `tag`.

    `list` and `retrieve` are summaries (or an `operation(...)`); each other keyword names a view
    action documented by `operation(...)`.
    """
    specs = {"list": list, "retrieve": retrieve, **operations}
    return extend_schema_view(
        **{
            action: extend_schema(tags=[tag], **({"summary": spec} if isinstance(spec, str) else spec))
            for action, spec in specs.items()
        }
    )


class PortalAutoSchema(AutoSchema):
    """Adds the error responses each operation can give, unless the view documents them itself."""

    def _error_codes(self) -> list[str]:
        view = self.view
        action = getattr(view, "action", None)
        write = self.method not in SAFE_METHODS
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_path_parameters = "{" in self.path
        codes = ["401", "429"]
        if write:
            codes.append("403")
        if has_body:
            codes += ["400", "415"]
        elif self._is_list_view():
            codes += ["400"]  # filters and pagination
        if has_path_parameters or (not write and self._is_list_view()):
            codes.append("404")  # no such record; or no such page
        if action in getattr(view, "transition_actions", ()):
            codes.append("409")
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            serializer = TransitionErrorSerializer if code == "409" else ErrorSerializer
            responses[code] = self._get_response_for_code(
                error_response(code, serializer), code, direction=direction
            )
        return dict(sorted(responses.items()))
