"""Small server-side SVG charts for the staff stats page (pure, no Django; no JavaScript, no CDN).

Every text that came from data is XML-escaped here, so the returned SVG is safe to inline.
Colours: bars use the site's accent, text uses ``currentColor`` (follows the page's light/dark theme).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT_PX = 12
BAR_FILL = "#5b4fe0"  # --accent in static/css/site.css
TRACK_FILL = "#8881"  # faint full-width track behind each horizontal bar
COORD_DECIMALS = 1
# Horizontal bar chart: one row per bar, label | bar | value.
ROW_PX = 18
ROW_GAP_PX = 4
LABEL_PX = 170
BAR_AREA_PX = 360
VALUE_PX = 110
# Column chart: columns over a baseline, the y maximum and a few x labels.
COLUMN_AREA_PX = 720
COLUMN_HEIGHT_PX = 180
AXIS_LEFT_PX = 40
AXIS_BOTTOM_PX = 22
RIGHT_PX = 40  # room for half of the last x label (a date is about 70 px wide)
TOP_PX = 8
COLUMN_GAP_FRACTION = 0.2  # of each column's slot
MAX_X_LABELS = 8
NO_DATA_TEXT = "no data"
NICE_STEPS = (1, 2, 5, 10)


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` sets its length, ``text`` is printed beside it, ``title`` is its hover tooltip."""

    label: str
    value: float
    text: str
    title: str = ""


def _n(value: float) -> str:
    return f"{round(value, COORD_DECIMALS):g}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above ``value`` (an axis maximum people can read); 1 for <= 0."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in NICE_STEPS if step * power >= value)


def _svg(width: float, height: float, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{escape(title)}" '
        f'font-size="{FONT_PX}" font-family="sans-serif"><title>{escape(title)}</title>{body}</svg>'
    )


def _no_data(width: float, title: str) -> str:
    height = ROW_PX + 2 * ROW_GAP_PX
    text = f'<text x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle" dominant-baseline="middle" fill="currentColor">{NO_DATA_TEXT}</text>'
    return _svg(width, height, title, text)


def bar_chart_svg(bars: Sequence[Bar], *, title: str, max_value: float | None = None) -> str:
    """Horizontal bars, one row each, in the given order; lengths relative to ``max_value`` (default: largest)."""
    width = LABEL_PX + BAR_AREA_PX + VALUE_PX
    if not bars:
        return _no_data(width, title)
    top = max_value if max_value is not None else max(bar.value for bar in bars)
    scale = BAR_AREA_PX / top if top > 0 else 0.0
    rows = []
    for index, bar in enumerate(bars):
        y = ROW_GAP_PX + index * (ROW_PX + ROW_GAP_PX)
        middle = y + ROW_PX / 2
        length = min(max(bar.value, 0.0) * scale, BAR_AREA_PX)
        rows.append(
            f"<g><title>{escape(bar.title or f'{bar.label}: {bar.text}')}</title>"
            f'<text x="{LABEL_PX - ROW_GAP_PX}" y="{_n(middle)}" text-anchor="end" dominant-baseline="middle" '
            f'fill="currentColor">{escape(bar.label)}</text>'
            f'<rect x="{LABEL_PX}" y="{y}" width="{BAR_AREA_PX}" height="{ROW_PX}" fill="{TRACK_FILL}"/>'
            f'<rect x="{LABEL_PX}" y="{y}" width="{_n(length)}" height="{ROW_PX}" fill="{BAR_FILL}"/>'
            f'<text x="{LABEL_PX + BAR_AREA_PX + ROW_GAP_PX}" y="{_n(middle)}" dominant-baseline="middle" '
            f'fill="currentColor">{escape(bar.text)}</text></g>'
        )
    height = ROW_GAP_PX + len(bars) * (ROW_PX + ROW_GAP_PX)
    return _svg(width, height, title, "".join(rows))


def x_label_indexes(count: int, most: int = MAX_X_LABELS) -> list[int]:
    """Which of ``count`` columns get an x label: evenly spaced, always the first and the last, at most ``most``."""
    if count <= 0:
        return []
    if count <= most:
        return list(range(count))
    step = math.ceil((count - 1) / (most - 1))
    picked = list(range(0, count - 1, step))
    if count - 1 - picked[-1] <= step / 2:  # too close to the last label to be read apart
        picked.pop()
    return [*picked, count - 1]


def column_chart_svg(columns: Sequence[Bar], *, title: str) -> str:
    """Vertical columns in the given order over a baseline, y axis from 0 to a rounded-up maximum."""
    width = AXIS_LEFT_PX + COLUMN_AREA_PX + RIGHT_PX
    if not columns:
        return _no_data(width, title)
    top = nice_ceiling(max(column.value for column in columns))
    slot = COLUMN_AREA_PX / len(columns)
    baseline = TOP_PX + COLUMN_HEIGHT_PX
    right = AXIS_LEFT_PX + COLUMN_AREA_PX
    parts = [
        f'<line x1="{AXIS_LEFT_PX}" y1="{baseline}" x2="{right}" y2="{baseline}" stroke="currentColor"/>',
        (
            f'<line x1="{AXIS_LEFT_PX}" y1="{TOP_PX}" x2="{right}" y2="{TOP_PX}" stroke="currentColor" '
            'stroke-opacity="0.25"/>'
        ),
        (
            f'<text x="{AXIS_LEFT_PX - 4}" y="{TOP_PX}" text-anchor="end" dominant-baseline="middle" '
            f'fill="currentColor">{_n(top)}</text>'
        ),
        (
            f'<text x="{AXIS_LEFT_PX - 4}" y="{baseline}" text-anchor="end" dominant-baseline="middle" '
            'fill="currentColor">0</text>'
        ),
    ]
    for index, column in enumerate(columns):
        height = max(column.value, 0.0) / top * COLUMN_HEIGHT_PX
        x = AXIS_LEFT_PX + index * slot + slot * COLUMN_GAP_FRACTION / 2
        parts.append(
            f"<g><title>{escape(column.title or f'{column.label}: {column.text}')}</title>"
            f'<rect x="{_n(x)}" y="{_n(baseline - height)}" width="{_n(slot * (1 - COLUMN_GAP_FRACTION))}" '
            f'height="{_n(height)}" fill="{BAR_FILL}"/></g>'
        )
    for index in x_label_indexes(len(columns)):
        x = AXIS_LEFT_PX + (index + 0.5) * slot
        parts.append(
            f'<text x="{_n(x)}" y="{baseline + AXIS_BOTTOM_PX - 4}" text-anchor="middle" '
            f'fill="currentColor">{escape(columns[index].label)}</text>'
        )
    return _svg(width, baseline + AXIS_BOTTOM_PX, title, "".join(parts))
