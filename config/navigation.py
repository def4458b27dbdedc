"""The service navigation: each link shown to those the access policy lets use it."""

from django.urls import reverse

from portal import access
from portal.access import Permission


def _links(user) -> list[tuple[str, str]]:
    links = [("Home", reverse("portal:home"))]
    if user.authority_id:  # an LA finance lead acts for one authority: straight to it
        links.append(("Your authority", reverse("authorities:detail", args=[user.authority.la_code])))
    elif access.can(user, Permission.BROWSE_AUTHORITIES):
        links.append(("Authorities", reverse("authorities:list")))
    links.append(("Programmes", reverse("programmes:list")))
    links.append(("Deadlines", reverse("deadlines:list")))  # everyone has deadlines to see
    if access.can(user, Permission.VIEW_STEERING_GROUP_WORK):
        links.append(("Steering group", reverse("steering:group")))
    return links


def navigation_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    home = reverse("portal:home")
    return [
        {
            "label": label,
            "url": url,
            "active": current_path == url if url == home else current_path.startswith(url),
        }
        for label, url in _links(user)
    ]
