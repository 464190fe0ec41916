"""Admin review of rooms and game drawings (each links to its recognizer Drawing)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from game.models import GameDrawing, Player, Room, Round
from recognizer.thumbnail import strokes_svg

THUMBNAIL_PX = 64
THUMBNAIL_LINE = 2.0


class PlayerInline(admin.TabularInline):
    model = Player
    fields = ["name", "score", "connected", "left", "joined"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["code", "state", "game", "rounds", "seconds", "host", "created"]
    list_filter = ["state"]
    search_fields = ["code"]
    readonly_fields = ["code", "state", "host", "game", "rounds", "seconds", "current_round", "created"]
    inlines = [PlayerInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["room", "game", "number", "prompt", "state", "starts_at", "deadline"]
    list_filter = ["state", "prompt"]
    search_fields = ["room__code", "prompt"]


@admin.register(GameDrawing)
class GameDrawingAdmin(admin.ModelAdmin):
    list_display = ["id", "thumbnail", "room", "round_number", "prompt", "player", "place", "elapsed_ms", "points", "saved"]
    list_filter = ["round__prompt"]
    search_fields = ["round__room__code", "player__name", "round__prompt"]
    list_select_related = ["round__room", "player", "drawing"]
    readonly_fields = ["round", "player", "drawing", "elapsed_ms", "place", "points", "guesses", "timeline", "strokes"]
    exclude = ["canvas_width", "canvas_height"]

    def has_add_permission(self, request) -> bool:
        return False  # game drawings come only from the websocket

    @admin.display(description="drawing")
    def thumbnail(self, entry: GameDrawing) -> SafeString:
        return mark_safe(strokes_svg(entry.strokes, size=THUMBNAIL_PX, line_width=THUMBNAIL_LINE))

    @admin.display(description="room", ordering="round__room__code")
    def room(self, entry: GameDrawing) -> str:
        return entry.round.room.code

    @admin.display(description="round", ordering="round__number")
    def round_number(self, entry: GameDrawing) -> int:
        return entry.round.number

    @admin.display(description="saved drawing")
    def saved(self, entry: GameDrawing) -> SafeString | str:
        if entry.drawing_id is None:
            return "-"
        return format_html('<a href="{}">#{}</a>', reverse("admin:recognizer_drawing_change", args=[entry.drawing_id]), entry.drawing_id)
