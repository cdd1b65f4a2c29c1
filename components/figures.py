"""Plotly figures as pure functions of query results and the colour mode. No I/O.

Every chart has an accessible table beside or under it with the same numbers (components.kpi_table),
because charts cannot carry the DOM contract's attributes.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.format import format_count, format_value
from components.theme import SERIES, STATUS_COLOURS, figure_template

THIN = "#adb5bd"  # cells with too little data are greyed, whatever their value
BAND_COLOURS = {"low": STATUS_COLOURS["off_track"], "middle": "#8c959f", "high": STATUS_COLOURS["on_track"]}


def _figure(mode: str, height: int, **layout) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(template=figure_template(mode), height=height, **layout)
    return figure


def empty_figure(mode: str, message: str, height: int = 260) -> go.Figure:
    figure = _figure(mode, height, xaxis={"visible": False}, yaxis={"visible": False})
    figure.add_annotation(text=message, showarrow=False, font={"size": 14})
    return figure


#: How a commitment milestone is drawn on a trend: (marker symbol, hover verb).
MILESTONES = {"start": ("triangle-right", "Started"), "done": ("star", "Completed")}


def trend_figure(
    trend: pd.DataFrame, annotations: pd.DataFrame, unit: str, mode: str, milestones: list | tuple = ()
) -> go.Figure:
    """Value per bucket with its 95% band, the target as a step line, annotations as markers, and
    commitment `milestones` [(ISO day, "start" | "done", title)] as symbols along the bottom."""
    if trend.empty:
        return empty_figure(mode, "No data in this range")
    x = trend["bucket_start"]
    figure = _figure(mode, 340, hovermode="x unified", legend={"orientation": "h", "y": -0.18})
    if trend["low"].notna().any():
        figure.add_scatter(
            x=x, y=trend["high"], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"
        )
        figure.add_scatter(
            x=x,
            y=trend["low"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(61, 139, 253, 0.18)",
            name="95% interval",
            hoverinfo="skip",
        )
    figure.add_scatter(
        x=x,
        y=trend["value"],
        mode="lines+markers",
        name="Value",
        line={"color": SERIES[0], "width": 2.5},
        customdata=trend["n"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        hovertemplate="%{y:.3~f}"
        + ("<br>n %{customdata:,.0f}" if trend["n"].notna().any() else "")
        + "<extra></extra>",
    )
    if trend["target"].notna().any():
        figure.add_scatter(
            x=x,
            y=trend["target"],
            mode="lines",
            name="Target",
            line={"color": "#8c959f", "dash": "dash", "shape": "hv", "width": 2},
            hovertemplate="target %{y}<extra></extra>",
        )
    for note in annotations.itertuples(index=False):
        figure.add_vline(x=pd.Timestamp(note.day), line={"color": SERIES[1], "dash": "dot", "width": 1.5})
        figure.add_annotation(
            x=pd.Timestamp(note.day),
            y=1,
            yref="paper",
            text=note.title,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 11, "color": SERIES[1]},
            bgcolor="rgba(0,0,0,0)",
        )
    figure.update_yaxes(title_text=unit if unit not in ("score",) else None, rangemode="normal")
    _add_milestones(figure, milestones, x.min(), x.max() + pd.offsets.MonthEnd(0))
    return figure


def _add_milestones(figure: go.Figure, milestones, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Commitment starts and completions inside the chart's range, on an axis of their own (0 to 1)
    so they sit along the bottom whatever the metric's scale."""
    shown = [
        (pd.Timestamp(day), event, title)
        for day, event, title in milestones
        if first <= pd.Timestamp(day) <= last
    ]
    for event, (symbol, verb) in MILESTONES.items():
        these = [(day, title) for day, kind, title in shown if kind == event]
        if not these:
            continue
        figure.add_scatter(
            x=[day for day, _title in these],
            y=[0.05] * len(these),
            yaxis="y2",
            mode="markers",
            name=f"Commitment {verb.lower()}",
            marker={"symbol": symbol, "size": 13, "color": SERIES[2], "line": {"width": 1, "color": "#fff"}},
            customdata=[title for _day, title in these],
            hovertemplate=f"{verb}: %{{customdata}}<extra></extra>",
        )
    if shown:
        figure.update_layout(
            yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}
        )


def breakdown_figure(frame: pd.DataFrame, id_column: str, names: pd.Series, mode: str) -> go.Figure:
    """Horizontal bars per touchpoint or segment with interval whiskers and each slice's target.

    Bars take their status colour; thin slices are grey and labelled with their n. The slice id rides
    in customdata so a click can filter the page to it.
    """
    if frame.empty:
        return empty_figure(mode, "No data in this period")
    # In the order of `names` (journey order for touchpoints), first at the top.
    frame = frame.set_index(id_column, drop=False).reindex(
        [i for i in names.index if i in set(frame[id_column])]
    )
    frame = frame.iloc[::-1]
    labels = frame[id_column].map(names).fillna(frame[id_column])
    thin = frame["status"].eq("insufficient")
    colours = np.where(thin, THIN, frame["status"].map(STATUS_COLOURS).fillna(THIN))
    text = [
        f"n {format_count(row.n)} · too little data"
        if row.status == "insufficient"
        else format_value(row.value, row.unit)
        for row in frame.itertuples(index=False)
    ]
    has_interval = frame["low"].notna().any()
    figure = _figure(
        mode,
        max(220, 44 * len(frame) + 60),
        showlegend=False,
        margin={"l": 8, "r": 24, "t": 8, "b": 36},
        bargap=0.35,
    )
    figure.add_bar(
        y=labels,
        x=frame["value"],
        orientation="h",
        marker={"color": colours},
        text=text,
        textposition="auto",
        insidetextanchor="start",  # clear of the target marker and whiskers near the bar's end
        customdata=frame[id_column],
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (frame["high"] - frame["value"]).to_numpy(dtype=float),
            "arrayminus": (frame["value"] - frame["low"]).to_numpy(dtype=float),
            "color": "#6c757d",
            "thickness": 1.5,
            "width": 4,
            "visible": bool(has_interval),
        },
        hovertemplate="%{y}: %{x:.3~f}<extra></extra>",
    )
    if frame["target"].notna().any():
        figure.add_scatter(
            y=labels,
            x=frame["target"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#495057"}},
            name="Target",
            customdata=frame[id_column],
            hovertemplate="target %{x}<extra></extra>",
        )
    figure.update_yaxes(automargin=True, ticks="outside", ticklen=4)
    figure.update_xaxes(zeroline=True)
    return figure


def heatmap_figure(
    cells: pd.DataFrame, touchpoint_names: pd.Series, segment_names: pd.Series, mode: str
) -> go.Figure:
    """Touchpoint × segment heatmap of the value; thin cells left blank and labelled with their n."""
    if cells.empty:
        return empty_figure(mode, "No data in this period")
    touchpoints = [t for t in touchpoint_names.index if t in set(cells["touchpoint_id"])]
    segments = [s for s in segment_names.index if s in set(cells["segment_id"])]
    grid = cells.set_index(["touchpoint_id", "segment_id"])
    z, thin, text, custom = [], [], [], []
    for touchpoint in touchpoints:
        z_row, thin_row, text_row, custom_row = [], [], [], []
        for segment in segments:
            custom_row.append([touchpoint, segment])
            cell = grid.loc[(touchpoint, segment)] if (touchpoint, segment) in grid.index else None
            is_thin = cell is not None and cell["status"] == "insufficient"
            z_row.append(None if cell is None or is_thin else cell["value"])
            thin_row.append(0 if is_thin else None)
            text_row.append(
                ""
                if cell is None
                else f"n {format_count(cell['n'])}"
                if is_thin
                else format_value(cell["value"], cell["unit"])
            )
        z.append(z_row)
        thin.append(thin_row)
        text.append(text_row)
        custom.append(custom_row)
    higher = bool(cells["higher_is_better"].iloc[0])
    x = [segment_names[s] for s in segments]
    y = [touchpoint_names[t] for t in touchpoints]
    figure = _figure(mode, max(260, 34 * len(touchpoints) + 90), margin={"l": 8, "r": 8, "t": 40, "b": 8})
    common = {"x": x, "y": y, "customdata": custom, "xgap": 2, "ygap": 2}
    figure.add_heatmap(
        z=z,
        text=text,
        texttemplate="%{text}",
        colorscale="RdYlBu" if higher else "RdYlBu_r",
        hovertemplate="%{y} × %{x}: %{text}<extra></extra>",
        colorbar={"thickness": 10},
        **common,
    )
    # Thin cells: a grey layer of their own, labelled with n, so no colour suggests a value.
    figure.add_heatmap(
        z=thin,
        text=[
            [t if v == 0 else "" for t, v in zip(tr, thr, strict=True)]
            for tr, thr in zip(text, thin, strict=True)
        ],
        texttemplate="%{text}",
        textfont={"color": "#212529"},
        colorscale=[[0, THIN], [1, THIN]],
        showscale=False,
        hovertemplate="%{y} × %{x}: too little data (%{text})<extra></extra>",
        **common,
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(side="top")
    return figure


def distribution_figure(counts: pd.DataFrame, band_labels: dict[str, str], mode: str) -> go.Figure:
    """Responses per score, coloured by band (detractors/passives/promoters, or bottom/middle/top-2)."""
    if counts.empty:
        return empty_figure(mode, "No responses in this period")
    share = 100 * counts["responses"] / counts["responses"].sum()
    figure = _figure(
        mode,
        280,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        bargap=0.15,
    )
    for band, label in band_labels.items():
        part = counts[counts["band"] == band]
        figure.add_bar(
            x=part["score"],
            y=part["responses"],
            name=label,
            marker={"color": BAND_COLOURS[band]},
            customdata=share[part.index],
            hovertemplate="score %{x}: %{y:,} responses (%{customdata:.1f}%)<extra></extra>",
        )
    figure.update_xaxes(dtick=1, title_text="score")
    figure.update_yaxes(title_text="responses")
    return figure


def clicked_cell(point: dict, touchpoint_names: pd.Series, segment_names: pd.Series) -> tuple[str, str]:
    """(touchpoint_id, segment_id) of a clicked heatmap cell. Dash's click data for heatmaps carries the
    axis labels but not the cell's customdata, so the names are mapped back to ids."""
    touchpoint = touchpoint_names.index[touchpoint_names == point["y"]][0]
    segment = segment_names.index[segment_names == point["x"]][0]
    return touchpoint, segment
