"""Admin review of saved drawings: thumbnails, filters, search, read-only detail with guesses and timeline."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from recognizer.models import Drawing
from recognizer.thumbnail import strokes_svg

THUMBNAIL_PX = 64
THUMBNAIL_LINE = 2.0
DETAIL_PX = 320
DETAIL_LINE = 3.0


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = [
        "id", "thumbnail", "label", "top_guess", "recognized", "first_correct_ms", "stroke_count", "model_version",
        "source", "created",
    ]
    list_display_links = ["id", "thumbnail"]
    list_filter = ["label", "recognized", "model_version", "source", ("created", admin.DateFieldListFilter)]
    search_fields = ["label"]
    date_hierarchy = "created"
    list_per_page = 50
    fields = [
        "picture", "label", "recognized", "first_correct_ms", "guesses_table", "timeline_table", "model_version",
        "source", "created", "canvas_width", "canvas_height", "stroke_count", "point_count", "strokes",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drawings come only from the websocket

    def has_change_permission(self, request: HttpRequest, obj: Drawing | None = None) -> bool:
        return False  # read-only review; deleting stays possible for staff with the permission

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

    @admin.display(description="top-1 timeline")
    def timeline_table(self, drawing: Drawing) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{} ms</td><td>{}</td><td>{}</td></tr>",
            ((t_ms, label, f"{score:.1%}") for t_ms, label, score in drawing.timeline),
        )
        return format_html("<table><tr><th>time</th><th>top-1</th><th>score</th></tr>{}</table>", rows)
