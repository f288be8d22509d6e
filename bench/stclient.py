"""A browser tab without the browser: a minimal client of Streamlit's websocket protocol.

It speaks what Streamlit's frontend speaks on ``/_stcore/stream``: protobuf ``BackMsg`` frames out
(``rerun_script`` with the query string, widget states, fragment id and the hashes of cached messages) and
``ForwardMsg`` frames in (deltas, page info, ``script_finished``). It keeps what a tab keeps: the widgets on
the page, their current values, and the large messages it has seen, so the server may send a reference
instead of the message again. Used by the benchmarks and by ``tests/test_load.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX as INTERNAL_KEY_PREFIX

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
ALERT_KINDS = {1: "error", 2: "warning", 3: "info", 4: "success"}  # Alert.Format
WIDGET_TYPES = {
    "button",
    "component_instance",
    "bidi_component",
    "toggle",
    "button_group",
    "checkbox",
    "selectbox",
    "multiselect",
    "radio",
    "text_input",
    "slider",
    "segmented_control",
    "download_button",
    "pills",
}


class ProtocolError(Exception):
    """The server answered something a browser tab would show as an error, or did not answer in time."""


@dataclass
class Widget:
    id: str
    kind: str
    fragment_id: str
    options: list[str] = field(default_factory=list)  # a button group's (pills'), radio's or selectbox's labels

    @property
    def user_key(self) -> str:
        """The ``key=`` the page gave the widget: Streamlit's ids read ``$$ID-<hash>-<user key>``."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else ""


@dataclass
class Run:
    """What one script run sent: timing, errors, and the ids of the elements on the page."""

    seconds: float
    messages: int
    bytes: int
    references: int
    status: int
    errors: list[str] = field(default_factory=list)


class Tab:
    """One visitor's tab. ``await Tab.open(url)`` loads the page; ``click``, ``choose``, ``select`` and ``trigger``
    interact; ``auto_rerun`` runs a fragment as its ``run_every`` timer does in a browser."""

    def __init__(self, base_url: str, *, locale: str = "en-GB", timeout: float = 30.0, cookie: str = "", page: str = "") -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.base_url = base_url.rstrip("/")
        self.locale = locale
        self.timeout = timeout
        self.cookie = cookie  # e.g. a load balancer's sticky-session cookie, sent with the websocket handshake
        self.page_name = page  # the page in the address (``join`` for /join), as the frontend sends it; "" the main page
        self.query_string = ""
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, WidgetState] = {}
        self.cache: set[str] = set()
        self.errors: list[str] = []
        self.alerts: list[tuple[str, str]] = []  # every alert shown (kind: "success", "info", ...; its text), in order
        self.auto_reruns: dict[str, float] = {}  # fragment id -> seconds between reruns (``st.fragment(run_every=)``)
        self._socket: websockets.ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._finished: asyncio.Future | None = None
        self._counts = [0, 0, 0]  # messages, bytes, references in the current run

    @classmethod
    async def open(cls, base_url: str, query_string: str = "", **kwargs) -> tuple[Tab, Run]:
        tab = cls(base_url, **kwargs)
        tab.query_string = query_string
        start = time.perf_counter()
        tab._socket = await asyncio.wait_for(
            websockets.connect(
                tab.ws_url,
                subprotocols=["streamlit"],
                max_size=None,
                compression=None,
                origin=tab.base_url,  # as a browser does, so Streamlit's origin check applies
                additional_headers={"Cookie": tab.cookie} if tab.cookie else None,
            ),
            tab.timeout,
        )
        tab._reader = asyncio.create_task(tab._read())
        run = await tab._rerun([], "", start)
        return tab, run

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    def widget(self, user_key: str) -> Widget:
        """The widget made with ``key=user_key`` in the last run."""
        for widget in self.widgets.values():
            if widget.user_key == user_key:
                return widget
        raise ProtocolError(f"no widget with key {user_key!r} on the page (have {sorted(self.widgets)[:5]}…)")

    async def rerun(self) -> Run:
        """Run the page again with nothing changed (what pressing R in the browser does)."""
        return await self._rerun([], "", time.perf_counter())

    async def click(self, user_key: str) -> Run:
        """Press a button, as a tap does: a trigger value, sent once."""
        widget = self.widget(user_key)
        state = WidgetState(id=widget.id, trigger_value=True)
        return await self._rerun([state], widget.fragment_id, time.perf_counter())

    async def choose(self, user_key: str, index: int | None) -> Run:
        """Tap one option of single-choice pills or a segmented control (None: tap the chosen one to let go)."""
        widget = self.widget(user_key)
        state = WidgetState(id=widget.id)
        state.string_array_value.data[:] = [] if index is None else [widget.options[index]]
        self.values[widget.id] = state
        return await self._rerun([], widget.fragment_id, time.perf_counter())

    async def select(self, user_key: str, index: int | None) -> Run:
        """Choose one option of a radio or a selectbox by its position (None: no choice), as the frontend sends
        it: the option's label as a string value."""
        widget = self.widget(user_key)
        state = WidgetState(id=widget.id)
        if index is not None:
            state.string_value = widget.options[index]
        self.values[widget.id] = state
        return await self._rerun([], widget.fragment_id, time.perf_counter())

    async def auto_rerun(self, fragment_id: str) -> Run:
        """Run a fragment again as its ``run_every`` timer does in the browser (see ``auto_reruns``)."""
        return await self._rerun([], fragment_id, time.perf_counter(), auto=True)

    async def trigger(self, user_key: str, event: str, value: object) -> Run:
        """Send a v2 component's trigger value (the map's ``clicked``), once, as its frontend does: a JSON list
        of events on the component's internal trigger widget."""
        widget = self.widget(user_key)
        state = WidgetState(
            id=f"{INTERNAL_KEY_PREFIX}_{widget.id}__events", json_trigger_value=json.dumps([{"event": event, "value": value}])
        )
        return await self._rerun([state], widget.fragment_id, time.perf_counter())

    async def _rerun(self, triggers: list[WidgetState], fragment_id: str, start: float, auto: bool = False) -> Run:
        if self._finished is not None and not self._finished.done():
            raise ProtocolError("a run is already in progress")
        self._finished = asyncio.get_running_loop().create_future()
        self._counts = [0, 0, 0]
        errors_before = len(self.errors)
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            fragment_id=fragment_id,
            page_name=self.page_name,
            is_auto_rerun=auto,
            cached_message_hashes=sorted(self.cache),
            context_info=ContextInfo(
                timezone="Europe/Brussels",
                timezone_offset=-60,
                locale=self.locale,
                url=f"{self.base_url}/{self.page_name}?{self.query_string}",
                is_embedded=False,
                color_scheme="light",
            ),
        )
        kept = [v for k, v in self.values.items() if k not in {t.id for t in triggers}]
        state.widget_states.widgets.extend(kept + triggers)
        await self._socket.send(BackMsg(rerun_script=state).SerializeToString())
        try:
            status = await asyncio.wait_for(asyncio.shield(self._finished), self.timeout)
        except TimeoutError:
            self.errors.append(f"no script_finished within {self.timeout} s")
            status = -1
        seconds = time.perf_counter() - start
        if status not in FINISHED and status != -1:
            self.errors.append(f"script finished with status {status}")
        return Run(seconds, *self._counts, status, self.errors[errors_before:])

    async def _read(self) -> None:
        try:
            async for frame in self._socket:
                self._handle(frame)
        except websockets.ConnectionClosedError as exc:
            self.errors.append(f"connection closed: {exc}")
        finally:
            if self._finished is not None and not self._finished.done():
                self.errors.append("connection closed before the run finished")
                self._finished.set_result(-2)

    def _handle(self, frame: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        self._counts[0] += 1
        self._counts[1] += len(frame)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            self._counts[2] += 1
            return
        if msg.metadata.cacheable and msg.hash:
            self.cache.add(msg.hash)
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation" and msg.navigation.page_script_hash:
            # the page being shown, as the browser sends it back; another hash is another page, whose run starts
            # with that page's widgets forgotten
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            element_type = element.WhichOneof("type")
            if element_type == "exception":
                self.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
            elif element_type == "alert":
                self.alerts.append((ALERT_KINDS.get(element.alert.format, "alert"), element.alert.body))
                if element.alert.format == element.alert.ERROR:
                    self.errors.append(f"error shown: {element.alert.body[:200]}")
            elif element_type in WIDGET_TYPES:
                widget_id = getattr(element, element_type).id
                if widget_id:
                    options = (
                        [f"{o.content_icon} {o.content}" if o.content_icon else o.content for o in element.button_group.options]
                        if element_type == "button_group"
                        else []
                    )
                    if element_type in ("radio", "selectbox"):
                        options = list(getattr(element, element_type).options)
                    self.widgets[widget_id] = Widget(widget_id, element_type, msg.delta.fragment_id, options)
        elif (
            kind == "script_finished"
            and self._finished is not None
            and not self._finished.done()
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            self._finished.set_result(msg.script_finished)
