"""Plotly figures as pure functions of query results and the colour mode. No I/O.

Every chart has an accessible table beside or under it with the same numbers (components.kpi_table),
because charts cannot carry the DOM contract's attributes.
"""

import numpy as np
import pandas as pd
from babel import Locale

import i18n
from components.format import format_count, format_percent, format_value
from components.theme import SERIES, STATUS_COLOURS, figure_template
from i18n import N_, _, pgettext

#: Behind an annotation's label, so the line or band it crosses does not run through the words.
_PAPER_BEHIND = {"light": "rgba(255,255,255,0.8)", "dark": "rgba(33,37,41,0.8)"}
THIN = "#adb5bd"  # cells with too little data are greyed, whatever their value
BAND_COLOURS = {"worst": STATUS_COLOURS["off_track"], "middle": "#8c959f", "best": STATUS_COLOURS["on_track"]}


#: How a day of a date axis reads in a chart's hover, in each language but English (plotly.js speaks
#: English only: its month names are never used there, only digits in the language's order).
_HOVER_DAYS = {
    "fi": "%-d.%-m.%Y",
    "fr": "%d/%m/%Y",
    "hu": "%Y. %m. %d.",
    "es": "%-d/%-m/%Y",
    "fa": "%Y/%m/%d",
}


def _separators() -> dict:
    """Plotly's decimal sign and thousands separator as the language writes them (Latin digits: plotly
    draws no others); English keeps plotly's own, as Beacon's charts always had."""
    code = i18n.current()
    if code == i18n.SOURCE:
        return {}
    symbols = Locale.parse(i18n.LANGUAGES[code].formats).number_symbols["latn"]
    return {"separators": symbols["decimal"] + symbols["group"]}


def _figure(mode: str, height: int, **layout) -> dict:
    """A figure as the plain dict plotly.js reads: plotly.py's graph objects validate every property
    on every call, which cost more than the queries behind a chart."""
    return {
        "data": [],
        "layout": {"template": figure_template(mode), "height": height, **_separators(), **layout},
    }


def _month_ticks(first: pd.Timestamp, last: pd.Timestamp) -> dict:
    """A date axis's ticks, one per month (fewer over a long range), named in the language (plotly.js
    names months in English only); nothing in English, whose ticks plotly draws itself."""
    code = i18n.current()
    if code == i18n.SOURCE:
        return {}
    months = pd.date_range(first.to_period("M").to_timestamp(), last, freq="MS")
    step = max(1, -(-len(months) // 8))
    shown = months[::step]
    return {
        "tickmode": "array",
        "tickvals": [day.strftime("%Y-%m-%d") for day in shown],
        "ticktext": [i18n.format_month(day.year, day.month) for day in shown],
        "hoverformat": _HOVER_DAYS.get(code, "%Y-%m-%d"),
    }


def _unit_title(unit: str) -> str | None:
    """A trend's value axis title: its unit, as the language abbreviates it (a score needs none)."""
    titles = {
        "pts": pgettext("axis unit", "pts"),
        "s": pgettext("axis unit", "s"),
        "per1000": pgettext("axis unit", "per1000"),
        "%": format_percent(0, 0).replace(i18n.format_integer(0), "").strip() or "%",
    }
    return None if unit in ("score",) else titles.get(unit, unit)


def _numbers(series) -> np.ndarray:
    """Floats with NaN where a value is missing (drawn as a gap, sent as null)."""
    return pd.Series(series).astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _days(series) -> list[str]:
    return [pd.Timestamp(day).strftime("%Y-%m-%d") for day in series]


def empty_figure(mode: str, message: str, height: int = 260) -> dict:
    figure = _figure(mode, height, xaxis={"visible": False}, yaxis={"visible": False})
    figure["layout"]["annotations"] = [{"text": message, "showarrow": False, "font": {"size": 14}}]
    return figure


#: How a commitment milestone is drawn on a trend: (marker symbol, its legend, its hover text),
#: translated where drawn.
MILESTONES = {
    "start": ("triangle-right", N_("Commitment started"), N_("Started: %(name)s")),
    "done": ("star", N_("Commitment completed"), N_("Completed: %(name)s")),
}


def trend_figure(
    trend: pd.DataFrame, annotations: pd.DataFrame, unit: str, mode: str, milestones: list | tuple = ()
) -> dict:
    """Value per bucket with its 95% band, the target as a step line, annotations as markers, and
    commitment `milestones` [(ISO day, "start" | "done", title)] as symbols along the bottom."""
    if trend.empty:
        return empty_figure(mode, _("No data in this range"))
    x = _days(trend["bucket_start"])
    first, last = trend["bucket_start"].min(), trend["bucket_start"].max()
    figure = _figure(
        mode,
        340,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.18},
        yaxis={"title": {"text": _unit_title(unit)}, "rangemode": "normal"},
    )
    ticks = _month_ticks(pd.Timestamp(first), pd.Timestamp(last))
    if ticks:
        figure["layout"]["xaxis"] = ticks
    traces = figure["data"]
    if trend["low"].notna().any():
        traces += [
            {
                "type": "scatter",
                "x": x,
                "y": _numbers(trend["high"]),
                "mode": "lines",
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": x,
                "y": _numbers(trend["low"]),
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": "rgba(61, 139, 253, 0.18)",
                "name": _("%(level)s interval", level=format_percent(95, 0)),
                "hoverinfo": "skip",
            },
        ]
    traces.append(
        {
            "type": "scatter",
            "x": x,
            "y": _numbers(trend["value"]),
            "mode": "lines+markers",
            "name": _("Value"),
            "line": {"color": SERIES[0], "width": 2.5},
            "customdata": _numbers(trend["n"]),
            "hovertemplate": "%{y:.3~f}"
            + ("<br>" + _("n %(n)s", n="%{customdata:,.0f}") if trend["n"].notna().any() else "")
            + "<extra></extra>",
        }
    )
    if trend["target"].notna().any():
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": _numbers(trend["target"]),
                "mode": "lines",
                "name": _("Target"),
                "line": {"color": "#8c959f", "dash": "dash", "shape": "hv", "width": 2},
                "hovertemplate": _("target %(target)s", target="%{y}") + "<extra></extra>",
            }
        )
    # Each annotation's label on a line of its own (so two close days never write over each other),
    # running away from the nearer edge of the chart (so a late one is not cut at the right).
    middle = first + (last - first) / 2
    shapes, labels = [], []
    for line, note in enumerate(annotations.sort_values("day").itertuples(index=False)):
        day = pd.Timestamp(note.day)
        iso = day.strftime("%Y-%m-%d")
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "y domain",
                "x0": iso,
                "x1": iso,
                "y0": 0,
                "y1": 1,
                "line": {"color": SERIES[1], "dash": "dot", "width": 1.5},
            }
        )
        labels.append(
            {
                "x": iso,
                "y": 1,
                "yref": "paper",
                "yshift": -15 * line,
                "text": note.title,
                "showarrow": False,
                "xanchor": "right" if day > middle else "left",
                "yanchor": "top",
                "font": {"size": 11, "color": SERIES[1]},
                "bgcolor": _PAPER_BEHIND[mode if mode in _PAPER_BEHIND else "light"],
            }
        )
    figure["layout"].update(shapes=shapes, annotations=labels)
    _add_milestones(figure, milestones, first, last + pd.offsets.MonthEnd(0))
    return figure


def _add_milestones(figure: dict, milestones, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Commitment starts and completions inside the chart's range, on an axis of their own (0 to 1)
    so they sit along the bottom whatever the metric's scale."""
    shown = [
        (pd.Timestamp(day), event, title)
        for day, event, title in milestones
        if first <= pd.Timestamp(day) <= last
    ]
    for event, (symbol, legend, hover) in MILESTONES.items():
        these = [(day, title) for day, kind, title in shown if kind == event]
        if not these:
            continue
        figure["data"].append(
            {
                "type": "scatter",
                "x": _days(day for day, _title in these),
                "y": [0.05] * len(these),
                "yaxis": "y2",
                "mode": "markers",
                "name": _(legend),
                "marker": {
                    "symbol": symbol,
                    "size": 13,
                    "color": SERIES[2],
                    "line": {"width": 1, "color": "#fff"},
                },
                "customdata": [title for _day, title in these],
                "hovertemplate": _(hover, name="%{customdata}") + "<extra></extra>",
            }
        )
    if shown:
        figure["layout"]["yaxis2"] = {
            "overlaying": "y",
            "range": [0, 1],
            "visible": False,
            "fixedrange": True,
        }


def _value_label(row) -> str:
    return (
        _("n %(n)s", n=format_count(row.n)) + "<br>" + _("too little data")
        if row.status == "insufficient"
        else format_value(row.value, row.unit)
    )


def breakdown_figure(frame: pd.DataFrame, id_column: str, names: pd.Series, mode: str) -> dict:
    """Horizontal bars per touchpoint or segment with interval whiskers and each slice's target.

    Bars take their status colour; thin slices are grey and labelled with their n. Each value is
    written in a column of its own right of the plot, where no whisker or target tick can cover it,
    and every bar is outlined so a value of 0 still shows as a mark. The slice id rides in
    customdata so a click can filter the page to it.
    """
    if frame.empty:
        return empty_figure(mode, _("No data in this period"))
    # In the order of `names` (journey order for touchpoints), first at the top.
    frame = frame.set_index(id_column, drop=False).reindex(
        [i for i in names.index if i in set(frame[id_column])]
    )
    frame = frame.iloc[::-1]
    labels = frame[id_column].map(names).fillna(frame[id_column])
    thin = frame["status"].eq("insufficient")
    colours = np.where(thin, THIN, frame["status"].map(STATUS_COLOURS).fillna(THIN))
    texts = [_value_label(row) for row in frame.itertuples(index=False)]
    # The label column is as wide as its longest line (about 7 px a character at 12 px).
    label_width = 12 + 7 * max(len(line) for text in texts for line in text.split("<br>"))
    has_interval = frame["low"].notna().any()
    value = _numbers(frame["value"])
    figure = _figure(
        mode,
        max(220, 44 * len(frame) + 60),
        showlegend=False,
        margin={"l": 8, "r": label_width, "t": 8, "b": 36},
        bargap=0.35,
        yaxis={"automargin": True, "ticks": "outside", "ticklen": 4},
        xaxis={"zeroline": True},
        annotations=[
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 8,
                "y": label,
                "yref": "y",
                "text": text,
                "showarrow": False,
                "align": "left",
                "font": {"size": 12 if "<br>" not in text else 11},
            }
            for label, text in zip(labels, texts, strict=True)
        ],
    )
    ids = frame[id_column].tolist()
    figure["data"].append(
        {
            "type": "bar",
            "y": labels.tolist(),
            "x": value,
            "orientation": "h",
            "marker": {"color": colours.tolist(), "line": {"color": colours.tolist(), "width": 2}},
            "customdata": ids,
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": _numbers(frame["high"]) - value,
                "arrayminus": value - _numbers(frame["low"]),
                "color": "#6c757d",
                "thickness": 1.5,
                "width": 4,
                "visible": bool(has_interval),
            },
            "hovertemplate": _("%(name)s: %(number)s", name="%{y}", number="%{x:.3~f}") + "<extra></extra>",
        }
    )
    if frame["target"].notna().any():
        figure["data"].append(
            {
                "type": "scatter",
                "y": labels.tolist(),
                "x": _numbers(frame["target"]),
                "mode": "markers",
                "marker": {"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#495057"}},
                "name": _("Target"),
                "customdata": ids,
                "hovertemplate": _("target %(target)s", target="%{x}") + "<extra></extra>",
            }
        )
    return figure


def distribution_figure(counts: pd.DataFrame, bands: dict, mode: str) -> dict:
    """Responses per score, coloured by band (queries.score_bands: worst, middle and best answers,
    whichever end of the scale they are at). The legend, in score order, names the scores."""
    if counts.empty:
        return empty_figure(mode, _("No responses in this period"))
    share = 100 * counts["responses"] / counts["responses"].sum()
    figure = _figure(
        mode,
        300,
        showlegend=True,
        # Under the score axis (whose numbers need no title), where no bar can reach it.
        legend={"orientation": "h", "x": 0, "y": -0.17, "yanchor": "top"},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        bargap=0.15,
        xaxis={"dtick": 1},
        yaxis={"title": {"text": _("responses")}},
    )
    for band, (label, _lowest, _highest) in sorted(bands.items(), key=lambda item: item[1][1]):
        part = counts[counts["band"] == band]
        figure["data"].append(
            {
                "type": "bar",
                "x": part["score"].tolist(),
                "y": part["responses"].tolist(),
                "name": label,
                "marker": {"color": BAND_COLOURS[band]},
                "customdata": _numbers(share[part.index]),
                "hovertemplate": _(
                    "score %(score)s: %(count)s responses (%(share)s)",
                    score="%{x}",
                    count="%{y:,}",
                    share="%{customdata:.1f}%",
                )
                + "<extra></extra>",
            }
        )
    return figure
