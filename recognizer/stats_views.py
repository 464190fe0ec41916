"""Staff-only stats page: live recognition per category, confusions in real use, drawings per day."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from recognizer import charts, stats, stats_selectors

ALL_VERSIONS = ""


class StatsFilterForm(forms.Form):
    model_version = forms.ChoiceField(required=False, label="model version")
    since = forms.DateField(required=False, label="from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, versions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model_version"].choices = [(ALL_VERSIONS, "all versions"), *((v, v) for v in versions)]

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("'from' must not be after 'to'.")
        return cleaned


@dataclass(frozen=True)
class Filters:
    model_version: str | None = None
    since: date | None = None
    until: date | None = None


def _filters(form: StatsFilterForm) -> Filters:
    """The chosen filters; none while any is invalid (the page says so next to the errors)."""
    if not form.is_valid():
        return Filters()
    data = form.cleaned_data
    return Filters(model_version=data["model_version"] or None, since=data["since"], until=data["until"])


def _rate_chart(per_category: list[stats.CategoryStats]) -> str:
    bars = [
        charts.Bar(
            label=row.label,
            value=row.rate,
            text=f"{row.rate:.0%} of {row.drawings}",
            title=f"{row.label}: {row.recognized} of {row.drawings} recognized ({row.rate:.1%})",
        )
        for row in per_category
    ]
    return charts.bar_chart_svg(bars, title="Live recognition rate per category", max_value=1.0)


def _daily_chart(days: list[tuple[date, int]]) -> str:
    columns = [charts.Bar(label=day.isoformat(), value=count, text=str(count)) for day, count in days]
    return charts.column_chart_svg(columns, title="Drawings saved per day")


@staff_member_required
@require_safe
def stats_page(request: HttpRequest) -> HttpResponse:
    form = StatsFilterForm(request.GET or None, versions=stats_selectors.model_versions())
    chosen = _filters(form)
    drawings = stats_selectors.stats_drawings(
        model_version=chosen.model_version, since=chosen.since, until=chosen.until
    )
    counts = stats_selectors.label_counts(drawings=drawings)
    per_category = stats.category_stats(
        counts, stats.medians_by_label(stats_selectors.recognition_times(drawings=drawings))
    )
    totals = {row.label: row.drawings for row in per_category}
    confusions = stats.rank_confusions(stats_selectors.confusion_counts(drawings=drawings), totals)
    days = stats.fill_days(stats_selectors.daily_counts(drawings=drawings), chosen.since, chosen.until)
    labelled = sum(totals.values())
    recognized = sum(row.recognized for row in per_category)
    context = {
        **admin.site.each_context(request),
        "title": "Live recognition stats",
        "form": form,
        "per_category": per_category,
        "confusions": confusions,
        "labelled": labelled,
        "recognized": recognized,
        "overall_rate": recognized / labelled if labelled else None,
        "saved": drawings.count(),
        "days_clipped": len(days) == stats.MAX_CHART_DAYS,
        "max_chart_days": stats.MAX_CHART_DAYS,
        # both charts escape every text themselves (recognizer.charts)
        "rate_chart": mark_safe(_rate_chart(per_category)),
        "daily_chart": mark_safe(_daily_chart(days)),
    }
    return render(request, "recognizer/stats.html", context)
