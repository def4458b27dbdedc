"""Ordering (`?ordering=name,-la_code`), with the fields each resource allows named in its schema."""

from rest_framework.filters import OrderingFilter


class PortalOrderingFilter(OrderingFilter):
    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        allowed = list(getattr(view, "ordering_fields", None) or [])
        for parameter in parameters:
            if parameter["name"] == self.ordering_param and allowed:
                parameter["description"] = (
                    f"Order by one or more of {', '.join(allowed)}, comma-separated; "
                    "prefix a field with - for descending. Unknown fields are ignored."
                )
        return parameters
