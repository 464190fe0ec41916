"""Admin bulk actions on saved drawings: relabel (with an intermediate form) and mark / unmark "exclude from
training". Each changed drawing gets its own entry in Django's admin log; drawings already in the wanted state
are left alone and not logged."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from recognizer import review, selectors
from recognizer.models import Drawing

RELABEL_TEMPLATE = "admin/recognizer/drawing/relabel.html"
APPLY_FIELD = "apply"  # present on the intermediate form's POST only
PREVIEW_COUNT = 20  # selected drawings listed by id on the relabel page
RELABEL_LOAD_FIELDS = ["id", "label", "guesses", "timeline", "recognized", "first_correct_ms"]
EXCLUDE_LOAD_FIELDS = ["id", "label", "excluded"]
NO_LABEL = "(no label)"


class RelabelForm(forms.Form):
    """The new intended label: one of the served model's categories, since ``recognized`` and time to the first
    correct guess are only meaningful for a label the model can guess (and training uses its categories)."""

    label = forms.ChoiceField(
        label="New label",
        error_messages={
            "required": "Choose the new label.",
            "invalid_choice": "“%(value)s” is not one of the model's categories; choose one from the list.",
        },
    )

    def __init__(self, *args, labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].choices = [("", "choose a category…"), *((label, label) for label in labels)]


@admin.action(description="Relabel selected drawings…", permissions=["review"])
def relabel(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Drawing]) -> TemplateResponse | None:
    """First call: the form asking the new label. Its POST (with ``apply``) relabels and logs each change."""
    labels = [category.label for category in selectors.category_list()]
    form = RelabelForm(request.POST if APPLY_FIELD in request.POST else None, labels=labels)
    if form.is_valid():
        label = form.cleaned_data["label"]
        selected, changed = 0, 0
        with transaction.atomic():
            for drawing in queryset.only(*RELABEL_LOAD_FIELDS):
                selected += 1
                old = drawing.label or NO_LABEL
                if review.drawing_relabel(drawing=drawing, label=label):
                    modeladmin.log_change(request, drawing, f"Relabelled “{old}” → “{label}” (bulk action).")
                    changed += 1
        modeladmin.message_user(
            request, f"Relabelled {changed} of {selected} selected drawings as “{label}”.", messages.SUCCESS
        )
        return None  # back to the change list
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Relabel drawings",
        "opts": modeladmin.model._meta,
        "form": form,
        "count": queryset.count(),
        "preview": queryset.only("id", "label")[:PREVIEW_COUNT],
        "selected_ids": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "apply_field": APPLY_FIELD,
    }
    return TemplateResponse(request, RELABEL_TEMPLATE, context)


def _set_excluded(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Drawing], excluded: bool
) -> None:
    message = (
        "Marked “exclude from training” (bulk action)."
        if excluded
        else "Unmarked “exclude from training” (bulk action)."
    )
    selected, changed = 0, 0
    with transaction.atomic():
        for drawing in queryset.only(*EXCLUDE_LOAD_FIELDS):
            selected += 1
            if review.drawing_set_excluded(drawing=drawing, excluded=excluded):
                modeladmin.log_change(request, drawing, message)
                changed += 1
    verb = "Excluded" if excluded else "Included again"
    modeladmin.message_user(request, f"{verb} {changed} of {selected} selected drawings (training).", messages.SUCCESS)


@admin.action(description="Mark selected drawings “exclude from training”", permissions=["review"])
def exclude_from_training(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Drawing]) -> None:
    _set_excluded(modeladmin, request, queryset, excluded=True)


@admin.action(description="Unmark “exclude from training” on selected drawings", permissions=["review"])
def include_in_training(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Drawing]) -> None:
    _set_excluded(modeladmin, request, queryset, excluded=False)
