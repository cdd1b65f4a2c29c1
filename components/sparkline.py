"""A 12-month sparkline with its target line, as a tiny inline SVG image.

An SVG image rather than a Plotly chart: a scorecard has a dozen of them, they must draw instantly,
scale crisply on a 4K wall, and need no interaction. Colours are mid-tones that read in both modes.
"""

from urllib.parse import quote

import numpy as np

LINE = "#3d8bfd"
TARGET = "#8c959f"


def sparkline_svg(values, targets, width: int = 160, height: int = 36) -> str:
    """A data: URI of the series `values` (NaN = gap) over its step target line `targets`."""
    values = np.asarray(values, dtype=float)
    targets = np.asarray(targets, dtype=float)
    known = np.concatenate([values[~np.isnan(values)], targets[~np.isnan(targets)]])
    if len(values) == 0 or known.size == 0:
        return ""
    low, high = known.min(), known.max()
    span = (high - low) or 1.0
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def x(i):
        return pad + i * step

    def y(v):
        return pad + (height - 2 * pad) * (1 - (v - low) / span)

    def path(series, stepped):
        parts, drawing = [], False
        for i, v in enumerate(series):
            if np.isnan(v):
                drawing = False
                continue
            if drawing and stepped:
                parts.append(f"H{x(i):.1f}")
            parts.append(f"{'L' if drawing else 'M'}{x(i):.1f},{y(v):.1f}")
            drawing = True
        return " ".join(parts)

    shapes = [
        f'<path d="{path(targets, True)}" fill="none" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="3 2"/>',
        f'<path d="{path(values, False)}" fill="none" stroke="{LINE}" stroke-width="2" stroke-linejoin="round"/>',
    ]
    last = np.flatnonzero(~np.isnan(values))
    if last.size:
        i = last[-1]
        shapes.append(f'<circle cx="{x(i):.1f}" cy="{y(values[i]):.1f}" r="2.5" fill="{LINE}"/>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(shapes)}</svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
