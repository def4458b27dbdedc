"""`{% nav_if_content "Label" %}…{% endnav_if_content %}`: what it holds, in a labelled `<nav>` landmark, or
nothing at all when it holds nothing (no empty landmark for a screen reader to list).

The base layout puts the back link a page may have before `<main>` (where the Design System puts it,
so that the skip link skips it) inside one, as axe's `region` rule wants all content in a landmark.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class NavIfContentNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        content = self.nodelist.render(context)
        if not content.strip():
            return ""
        return format_html('<nav aria-label="{}">{}</nav>', self.label.resolve(context), content)


@register.tag
def nav_if_content(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the landmark's label")
    nodelist = parser.parse(("endnav_if_content",))
    parser.delete_first_token()
    return NavIfContentNode(nodelist, parser.compile_filter(bits[1]))
