"""Light and dark colour modes: Plotly figure templates matching Bootstrap's, and status colours.

Bootstrap switches its own colours with `data-bs-theme` on <html>; figures cannot read CSS, so each
chart callback takes the mode from the theme store and asks for the template here.
"""

MODES = ("light", "dark")

# Bootstrap 5.3 body colours of each mode, so charts sit on the page without a visible box.
_INK = {"light": "#212529", "dark": "#dee2e6"}
_MUTED = {"light": "#6c757d", "dark": "#adb5bd"}
_GRID = {"light": "#e9ecef", "dark": "#343a40"}
_PAPER = {"light": "#ffffff", "dark": "#212529"}

#: Status colours, chosen to stay distinguishable for the common colour-vision deficiencies and
#: always paired with an icon and a word.
STATUS_COLOURS = {
    "on_track": "#1a7f37",
    "at_risk": "#b35c00",
    "off_track": "#c62828",
    "insufficient": "#6f42c1",
    "no_target": "#57606a",
    "no_data": "#8c959f",
}

SERIES = ["#0b5cad", "#e07b00", "#2a9d8f", "#8e44ad", "#c0392b", "#5d6d7e"]


def figure_template(mode: str) -> dict:
    """The Plotly template for a colour mode ('light' or 'dark'; anything else falls back to light), as
    a plain dict: plotly.js applies it; plotly.py's validating objects would cost more than the chart."""
    mode = mode if mode in MODES else "light"
    axis = {
        "gridcolor": _GRID[mode],
        "linecolor": _GRID[mode],
        "zerolinecolor": _GRID[mode],
        "tickfont": {"color": _MUTED[mode]},
        "title": {"font": {"color": _MUTED[mode]}},
    }
    return {
        "layout": {
            "font": {
                "family": "Inter Variable, Inter, system-ui, sans-serif",
                "color": _INK[mode],
                "size": 13,
            },
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "colorway": SERIES,
            "xaxis": axis,
            "yaxis": axis,
            "hoverlabel": {"bgcolor": _PAPER[mode], "font": {"color": _INK[mode]}},
            "legend": {"font": {"color": _INK[mode]}},
            "margin": {"l": 48, "r": 16, "t": 24, "b": 40},
        }
    }
