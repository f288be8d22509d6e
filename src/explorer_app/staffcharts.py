"""The staff page's charts: Streamlit's Vega-Lite chart over a pandas table of counts per hour.

``st.bar_chart`` and ``st.line_chart`` draw the same charts, but their marks carry ARIA roles without names, which
axe reports as serious (``svg-img-alt``); here the chart and its marks are named by a ``description``. The tables
under the charts hold the same counts, for whoever cannot see the charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st


def hourly_chart(hourly: pd.DataFrame, mark: str, hour: str, count: str, description: str, series: str = "") -> None:
    """``hourly``: one row per hour (the index, wall-clock times), one column of counts per series (their labels).
    ``mark``: "bar" or "line"; ``hour``, ``count``, ``series``: the axes' and the legend's titles."""
    long = hourly.rename_axis("time").reset_index().melt(id_vars="time", var_name="series", value_name="count")
    encoding = {
        "x": {"field": "time", "type": "temporal", "title": hour},
        "y": {"field": "count", "type": "quantitative", "title": count},
    }
    if len(hourly.columns) > 1:
        encoding["color"] = {"field": "series", "type": "nominal", "title": series}
    # the mark's description names each bar or line for assistive technology (axe: svg-img-alt)
    spec = {"mark": {"type": mark, "tooltip": True, "description": description}, "encoding": encoding, "description": description}
    st.vega_lite_chart(long, spec, width="stretch")
