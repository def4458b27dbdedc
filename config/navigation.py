"""The service navigation each role sees."""

from django.urls import reverse

from portal.roles import Role

_ITEMS = {
    Role.DFE_OFFICIAL: [
        ("Home", "portal:home"),
        ("Authorities", "authorities:list"),
        ("Programmes", "programmes:list"),
        ("Steering group", "steering:group"),
    ],
    Role.DELIVERY_PARTNER: [
        ("Home", "portal:home"),
        ("Authorities", "authorities:list"),
        ("Programmes", "programmes:list"),
    ],
    Role.LA_FINANCE_LEAD: [
        ("Home", "portal:home"),
        ("Your authority", "authorities:list"),
        ("Programmes", "programmes:list"),
    ],
    Role.STEERING_MEMBER: [
        ("Home", "portal:home"),
        ("Programmes", "programmes:list"),
        ("Steering group", "steering:group"),
    ],
}


def navigation_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for label, name in _ITEMS.get(user.role, [("Home", "portal:home")]):
        url = reverse(name)
        active = current_path == url if name == "portal:home" else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items
