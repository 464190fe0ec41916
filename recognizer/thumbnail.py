"""Inline SVG pictures of raw strokes for the admin (pure, no Django; numbers only, so safe to inline)."""

from collections.abc import Sequence

PADDING_FRACTION = 0.05  # of the picture's side, on every edge
COORD_DECIMALS = 1


def strokes_svg(strokes: Sequence[Sequence[Sequence[float]]], *, size: int, line_width: float) -> str:
    """An ``size`` x ``size`` SVG with one polyline per stroke, scaled uniformly to fit, black on white."""
    xs = [float(x) for stroke in strokes for x in stroke[0]]
    ys = [float(y) for stroke in strokes for y in stroke[1]]
    polylines = []
    if xs:
        left, top = min(xs), min(ys)
        extent = max(max(xs) - left, max(ys) - top) or 1.0
        pad = size * PADDING_FRACTION
        scale = (size - 2 * pad) / extent
        # centre the drawing in the square
        offset_x = pad + (size - 2 * pad - (max(xs) - left) * scale) / 2
        offset_y = pad + (size - 2 * pad - (max(ys) - top) * scale) / 2
        for stroke in strokes:
            points = " ".join(
                f"{round(offset_x + (float(x) - left) * scale, COORD_DECIMALS)},"
                f"{round(offset_y + (float(y) - top) * scale, COORD_DECIMALS)}"
                for x, y in zip(stroke[0], stroke[1], strict=False)
            )
            polylines.append(f'<polyline points="{points}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img"><rect width="100%" height="100%" fill="#fff"/>'
        f'<g fill="none" stroke="#000" stroke-width="{line_width:g}" stroke-linecap="round" stroke-linejoin="round">'
        f"{''.join(polylines)}</g></svg>"
    )
