"""Admin list filters for saved drawings that are not a plain field filter."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from recognizer.models import Drawing

SINGLE_PLAYER_SOURCES = [Drawing.Source.SUBMIT, Drawing.Source.DISCONNECT]


class PlayModeFilter(admin.SimpleListFilter):
    """Game rounds against single-player drawings (submitted or left when the page closed)."""

    title = "game or single-player"
    parameter_name = "mode"
    SINGLE = "single"
    GAME = "game"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(self.SINGLE, "single-player"), (self.GAME, "game round")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Drawing]) -> QuerySet[Drawing]:
        if self.value() == self.SINGLE:
            return queryset.filter(source__in=SINGLE_PLAYER_SOURCES)
        if self.value() == self.GAME:
            return queryset.filter(source=Drawing.Source.GAME)
        return queryset
