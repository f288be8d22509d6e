"""The staff page: whether each kiosk is alive and how much the explorer is used, from anonymous hourly counts.

Opened by its secret link, ``staff?key=…`` (the ``staff_key`` setting, else a key the store made and keeps:
``here-explorer doctor`` prints the link); a missing or wrong key shows a message and nothing else. Never on a
kiosk: there it goes back to the attract screen, and it is in no navigation. The counts, their vocabularies and
the tables come from ``explorer.usage``; they are kept in the live sessions' database (``explorer.livestore``).
"""

import hmac
import time

import streamlit as st

from explorer.i18n import N_, n_, t
from explorer.livestore import StoreUnavailable
from explorer.usage import KINDS, beats_frame, counts_frame, export_csv, item_label, per_hour, per_item, totals
from explorer_app.liveroom import live_store
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.staffcharts import hourly_chart
from explorer_app.usagecount import flush
from explorer_app.widgets import caption

page = setup_page("staff")
content, lang, settings = page.content, page.language, page.settings
LABELS = {kind: t(label, lang) for kind, label in KINDS.items()}
if page.kiosk:  # never on a kiosk: its visitors go back to the attract screen
    st.switch_page("pages/attract.py")

page_header(
    page,
    t("Staff", lang),
    t("Whether each kiosk is alive, and how much the explorer is used. Anonymous counts per hour: nothing personal is kept.", lang),
)
PERIODS = {  # name: (label, seconds back; None: every count kept)
    "day": (N_("Last 24 hours"), 24 * 3600.0),
    "week": (N_("Last 7 days"), 7 * 24 * 3600.0),
    "all": (N_("Everything kept"), None),
}


def refused() -> None:
    st.error(
        t("This staff link is not valid. Ask whoever runs the explorer for the link printed by “here-explorer doctor”.", lang),
        icon=":material/lock:",
    )
    st.stop()


def unavailable(exc: StoreUnavailable) -> None:
    st.error(
        t(
            "The staff page cannot be shown just now: the database of the counts cannot be reached. "
            "The rest of the explorer works as usual.",
            lang,
        ),
        icon=":material/cloud_off:",
    )
    st.stop()


def same(given: str, key: str) -> bool:
    """Whether the link's key is ``key``, in a time that does not tell how much of it matched."""
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), key.encode("utf-8", "surrogatepass"))


given = st.query_params.get("key", "")
if settings.staff_key and not same(given, settings.staff_key):
    refused()  # before the database: a wrong key learns nothing of it
try:
    store = live_store(settings)
    expected = store.staff_key(settings)
except StoreUnavailable as exc:
    unavailable(exc)
if not same(given, expected):
    refused()

flush(settings)  # this process's latest counts too
now = time.time()
period = st.segmented_control(
    t("Period", lang), list(PERIODS), default="day", required=True, format_func=lambda p: t(PERIODS[p][0], lang), key="staff-period"
)
span = PERIODS[period or "day"][1]
try:
    rows = store.usage(None if span is None else now - span)
    beats = store.beats()
except StoreUnavailable as exc:
    unavailable(exc)
zone = settings.time_zone
frame = counts_frame(rows, zone)
total = totals(frame)
start = now - span if span is not None else (frame["time"].min().timestamp() if len(frame) else now)

st.subheader(t("Kiosks", lang), anchor=False)
caption(t("Times are in the {zone} time zone.", lang, zone=zone))
kiosks = beats_frame(beats, now, zone)
if kiosks.empty:
    st.info(t("No kiosk has sent a heartbeat yet. A kiosk sends one every minute while its screen is open.", lang))
for row in kiosks[kiosks["silent"]].itertuples():
    silent = n_(
        "No heartbeat from {kiosk} for {count} minute.",
        "No heartbeat from {kiosk} for {count} minutes.",
        row.minutes,
        lang,
        kiosk=row.kiosk,
    )
    st.warning(silent, icon=":material/warning:")
if not kiosks.empty:
    st.dataframe(
        kiosks.drop(columns="silent"),
        hide_index=True,
        column_config={
            "kiosk": t("Kiosk", lang),
            "screen_seen": st.column_config.DatetimeColumn(t("Screen last seen", lang), format="YYYY-MM-DD HH:mm"),
            "server_seen": st.column_config.DatetimeColumn(t("Server last seen", lang), format="YYYY-MM-DD HH:mm"),
            "first_seen": st.column_config.DatetimeColumn(t("First seen", lang), format="YYYY-MM-DD HH:mm"),
            "minutes": st.column_config.NumberColumn(t("Minutes since the last heartbeat", lang)),
        },
    )

st.subheader(t("Use", lang), anchor=False)
shown_kinds = [kind for kind in KINDS if kind != "language"]  # languages: the table below
columns = st.columns(4)
for index, kind in enumerate(shown_kinds):
    columns[index % 4].metric(LABELS[kind], total[kind], border=True)
if frame.empty:
    st.info(t("Nothing was counted in this period.", lang))
else:
    hourly = per_hour(frame, KINDS, start, now, zone)
    hourly.index = hourly.index.tz_localize(None)  # the wall clock of the time_zone setting
    hourly.columns = [LABELS[kind] for kind in hourly.columns]
    visits = t("Visits per hour", lang)
    st.markdown(f"**{visits}**")
    hourly_chart(hourly[[LABELS["visit"]]], "bar", t("Hour", lang), LABELS["visit"], visits)
    others = t("Pages, places and what was made, per hour", lang)
    st.markdown(f"**{others}**")
    shown = [LABELS[k] for k in ("page", "place", "postcard", "handout", "kiosk_reset", "live_answer")]
    hourly_chart(hourly[shown], "line", t("Hour", lang), t("Count", lang), others, t("What", lang))
    for kind in ("page", "place", "language", "postcard", "handout", "kiosk_reset", "live_session", "live_answer"):
        table = per_item(frame, kind)
        if table.empty:
            continue
        table["item"] = [item_label(kind, item, content, lang) for item in table["item"]]
        st.markdown(f"**{LABELS[kind]}**")
        st.dataframe(table, hide_index=True, column_config={"item": t("What", lang), "count": t("Count", lang)})
    st.download_button(
        t("Download the hourly counts (CSV)", lang),
        data=export_csv(frame),
        file_name=f"here-usage-{period}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="staff-export",
    )
st.caption(
    t(
        "Kept: per hour, how many of each thing, and when each kiosk last sent a heartbeat. Never kept: addresses, "
        "browsers, cookies, anything typed. Counts older than {days} days are deleted.",
        lang,
        days=settings.usage_days,
    )
)
