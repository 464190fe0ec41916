"""Admin review of saved drawings: thumbnails, filters, search, bulk actions, and a read-only detail page with
the final guesses and a replay of the drawing beside its guess timeline (docs/review.md)."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from recognizer.admin_actions import exclude_from_training, include_in_training, relabel
from recognizer.admin_filters import PlayModeFilter
from recognizer.models import Drawing
from recognizer.review_display import canvas_size, replay_payload, timeline_rows
from recognizer.thumbnail import strokes_svg

THUMBNAIL_PX = 64
THUMBNAIL_LINE = 2.0
DETAIL_PX = 320
DETAIL_LINE = 3.0


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "thumbnail",
        "label",
        "top_guess",
        "recognized",
        "first_correct_ms",
        "stroke_count",
        "model_version",
        "source",
        "excluded",
        "public",
        "created",
    ]
    list_display_links = ["id", "thumbnail"]
    list_filter = [
        "label",
        "recognized",
        "model_version",
        PlayModeFilter,
        "source",
        "excluded",
        "public",
        ("created", admin.DateFieldListFilter),
    ]
    actions = [relabel, exclude_from_training, include_in_training, "delete_selected"]
    search_fields = ["label"]
    date_hierarchy = "created"
    list_per_page = 50
    fields = [
        "picture",
        "label",
        "recognized",
        "first_correct_ms",
        "guesses_table",
        "model_version",
        "source",
        "excluded",
        "public",
        "created",
        "canvas_width",
        "canvas_height",
        "stroke_count",
        "point_count",
        "strokes",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drawings come only from the websocket

    def has_change_permission(self, request: HttpRequest, obj: Drawing | None = None) -> bool:
        return False  # no edit form: changes go through the bulk actions; deleting needs the delete permission

    def has_review_permission(self, request: HttpRequest) -> bool:
        """The bulk actions (relabel, exclude) need the model's change permission, though the form is read-only."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Drawing | None = None,
    ) -> HttpResponse:
        """Adds the replay's data (rendered with json_script) and the timeline rows beside it."""
        if obj is not None:
            context["replay"] = replay_payload(
                drawing_id=obj.pk,
                strokes=obj.strokes,
                timeline=obj.timeline,
                canvas=canvas_size(obj.canvas_width, obj.canvas_height),
            )
            context["timeline_rows"] = timeline_rows(obj.timeline)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Drawing], search_term: str
    ) -> tuple[QuerySet[Drawing], bool]:
        """Label search, plus an exact id match when the term is a number ("42" or "#42")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit():
            results = queryset.filter(Q(pk=int(term)) | Q(pk__in=results.values("pk")))
        return results, may_have_duplicates

    @admin.display(description="drawing")
    def thumbnail(self, drawing: Drawing) -> SafeString:
        return mark_safe(strokes_svg(drawing.strokes, size=THUMBNAIL_PX, line_width=THUMBNAIL_LINE))

    @admin.display(description="drawing")
    def picture(self, drawing: Drawing) -> SafeString:
        return mark_safe(strokes_svg(drawing.strokes, size=DETAIL_PX, line_width=DETAIL_LINE))

    @admin.display(description="top guess")
    def top_guess(self, drawing: Drawing) -> str:
        return drawing.guesses[0]["label"] if drawing.guesses else "-"

    @admin.display(description="final guesses")
    def guesses_table(self, drawing: Drawing) -> SafeString:
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td></tr>", ((g["label"], f"{g['score']:.1%}") for g in drawing.guesses)
        )
        return format_html("<table><tr><th>label</th><th>score</th></tr>{}</table>", rows)
