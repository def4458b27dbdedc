"""The Django admin, opened to DfE officials through the one access policy (not Django's own flags)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm

from . import access
from .imports import (
    CsvFormat,
    ImportRefused,
    XlsxFormat,
    problems_of,
    read_upload,
    refuse_oversize,
    render_export,
)


class PortalAdminSite(admin.AdminSite):
    site_header = "High needs intervention portal: administration"
    site_title = "High needs intervention portal"
    index_title = "Records"

    def has_permission(self, request):
        return access.can(request.user, access.Permission.USE_ADMIN)


class PortalModelAdmin(admin.ModelAdmin):
    """Every admin screen asks the access policy what a user may see and do."""

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.can(request.user, access.Permission.USE_ADMIN)

    def has_view_permission(self, request, obj=None):
        return access.can(request.user, access.Permission.USE_ADMIN, obj)

    def has_add_permission(self, request):
        return access.can(request.user, self.manage_action)

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action, obj)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action, obj)

    manage_action = access.Permission.USE_ADMIN


class PortalInline(admin.TabularInline):
    """An inline that asks the access policy, like PortalModelAdmin (not Django's permission flags)."""

    extra = 0
    manage_action = access.Permission.USE_ADMIN

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return access.can(request.user, access.Permission.USE_ADMIN)

    def has_add_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action)

    def has_change_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action)

    def has_delete_permission(self, request, obj=None):
        return access.can(request.user, self.manage_action)


class ReadOnlyInline(PortalInline):
    """A log shown under its record: written by services only, never edited here."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoRevertMixin:
    """History to read, never to revert: simple-history's revert form saves an old version on POST
    (even with its Revert button hidden), which would bypass the service that owns the record's rules."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(
                "Records of this kind change only through their own actions, never by reverting."
            )
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin(NoRevertMixin):
    """For records only services write: the admin lists and shows them, and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UploadForm(ImportForm):
    """The admin's import form, with the same size and type checks as every other import path."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats, self.resources = list(formats), list(resources)
        self.fields["format"].required = False
        self.fields["format"].help_text = "Worked out from the file: CSV (UTF-8) or XLSX."

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        try:
            refuse_oversize(upload.size)
            file_format, dataset = read_upload(file_bytes=upload.read(), filename=upload.name)
            upload.seek(0)
            index = int(cleaned.get("resource") or 0)
            problems = self.resources[index].column_problems(dataset.headers)
        except ImportRefused as refused:
            self.add_error("import_file", refused.message)
            return cleaned
        if problems:
            self.add_error("import_file", " ".join(problems))
        cleaned["format"] = str(self.formats.index(type(file_format)))
        return cleaned


class PortalImportExportMixin(ImportExportMixin):
    """Import and export buttons that use the portal's resources, access policy and all-or-nothing import."""

    import_form_class = UploadForm
    import_formats = [CsvFormat, XlsxFormat]
    export_formats = [CsvFormat, XlsxFormat]

    def has_import_permission(self, request):
        return access.can(request.user, access.Permission.IMPORT_DATA)

    def has_export_permission(self, request):
        return access.can(request.user, access.Permission.USE_ADMIN)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user}

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = kwargs.get("export_form")
        resource = self.choose_export_resource_class(form, request)(actor=request.user)
        fields = self.get_export_resource_fields_from_form(form)
        return render_export(resource=resource, file_format=file_format, queryset=queryset, fields=fields)

    def process_result(self, result, request):
        problems = problems_of(result)
        if not problems:
            return super().process_result(result, request)
        for problem in problems[:20]:
            messages.error(request, str(problem))
        messages.error(request, "Nothing was imported: correct the problems and import the whole file again.")
        app_label, model_name = self.get_model_info()
        return HttpResponseRedirect(
            reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
        )
