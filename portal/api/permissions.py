"""API permissions: every write asks the one access policy (portal.access), in the order SPEC §2 needs.

A viewset declares the policy action each write needs, `required_actions = {"create": Action.X,
"accept": Action.Y, ...}`. A write on the collection (create) is refused with 403 before the input
is read. A write on one record first fetches it from the user's scoped queryset, so a record out of
scope is a 404 exactly as if it did not exist, and only then asks the policy: 403 if refused.
A write the viewset did not declare is refused: closed by default.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal import access


def required_action(view) -> access.Permission | None:
    return getattr(view, "required_actions", {}).get(getattr(view, "action", None))


class PolicyPermission(BasePermission):
    message = "You do not have permission to do that."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) is None:
            return True  # the resource has no such method: DRF answers 405
        action = required_action(view)
        if action is None:
            return False
        if getattr(view, "detail", False):
            return True  # decided on the object, once it is known to be in scope
        access.require(request.user, action)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = required_action(view)
        if action is None:
            return False
        access.require(request.user, action, obj)
        return True
