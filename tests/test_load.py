"""The websocket load client (bench/stclient.py, bench/load.py) against the real server: a small run."""

from __future__ import annotations

import asyncio
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from load import run_load, warm_up  # noqa: E402
from rerun import tap_marker  # noqa: E402
from server import running_server  # noqa: E402
from stclient import Tab  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with running_server("serve.py") as running:
        yield running


def test_five_visitors_load_the_map_and_each_select_three_places(server):
    report = asyncio.run(_small_run(server))
    assert report.errors == []
    assert report.completed == 5
    assert report.interactions == 20  # one load and three selections each
    assert report.latency_ms["load"]["n"] == 5 and report.latency_ms["select"]["n"] == 15
    assert report.latency_ms["all"]["p95"] <= report.latency_ms["all"]["max"]
    assert report.rss_open_mb >= report.rss_start_mb - 5 and report.rss_per_session_mb < 5  # read from /proc
    assert 0 < report.server_cpu_percent < 200  # the server did work; two cores at most
    assert "5 sessions" in report.summary() and "0 errors" in report.summary()


async def _small_run(server):
    await warm_up(server.base)
    return await run_load(server.base, 5, 2.0, think=(0.1, 0.3), pid=server.pid)


def test_a_tap_on_a_marker_reruns_only_the_map_fragment_and_selects_the_place(server):
    async def go():
        tab, first = await Tab.open(server.base)
        assert first.errors == [] and first.status == 0
        run = await tap_marker(tab, "garage")
        await tab.close()
        return tab, run

    tab, run = asyncio.run(go())
    assert run.errors == []
    assert run.status == 3  # FINISHED_FRAGMENT_RUN_SUCCESSFULLY: the header and navigation were not rerun
    assert "place=garage" in tab.query_string


def test_an_unknown_place_is_a_friendly_note_not_an_error(server):
    async def go():
        tab, _ = await Tab.open(server.base, query_string="place=nowhere")
        with pytest.raises(Exception, match="no widget"):
            tab.widget("no-such-widget")
        await tab.close()
        return tab

    assert asyncio.run(go()).errors == []


def test_the_client_counts_what_a_visitor_would_see_as_an_error(tmp_path):
    page = tmp_path / "broken.py"
    page.write_text("import streamlit as st\nst.error('Shown as an error')\nraise RuntimeError('boom')\n")

    async def go(base):
        tab, run = await Tab.open(base)
        await tab.close()
        return run

    with running_server(str(page)) as broken:
        run = asyncio.run(go(broken.base))
    assert any("error shown: Shown as an error" in e for e in run.errors)
    assert any(e.startswith("exception:") for e in run.errors), run.errors  # details redacted by the config


def test_two_replicas_behind_nginx_keep_each_visitor_on_one_replica():
    from cluster import CONFIG, nginx_config, run_cluster

    config = nginx_config(9000, [9001, 9002, 9003])
    # both upstreams (sticky for Streamlit, any replica for the phones' page) list every replica
    assert "listen 127.0.0.1:9000;" in config and config.count("server 127.0.0.1:900") == 6
    assert "8601" not in config and "hash $hx_route_key consistent;" in config
    assert "proxy_set_header Host $http_host;" in config  # the port too: Streamlit compares Host with Origin
    assert "proxy_set_header Upgrade $http_upgrade;" in CONFIG.read_text()  # websockets pass through

    result = run_cluster(sessions=6, over=2.0, think=(0.1, 0.3))
    assert result["moved"] == []  # a visitor's cookie always reaches the same replica
    assert len(result["spread"]) == 2  # and visitors as a whole reach both
    assert result["report"].errors == [] and result["report"].completed == 6
    assert result["ok"]
