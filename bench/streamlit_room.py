"""The Streamlit join page's room, as it was before the light page (the baseline of ``bench/hall.py``).

Run from a checkout of an older commit (``git worktree add``), with that checkout's ``src`` first on
``PYTHONPATH``: it imports that checkout's ``bench/live_load.py`` (its Streamlit phones, its projector in Chromium,
its own throwaway PostgreSQL and two replicas behind its ``deploy/nginx.conf``) and runs it with the arguments
given. One fix is made first, in memory: the projector page says "No answer yet" before the first answer, which
that benchmark read as "no total shown" and so waited for a total of 0 that never came. And one figure is added
to the rooms of its ``--json`` file: ``bytes_per_phone``, the websocket frames its tabs received (Streamlit's
messages, uncompressed: the client asks for no compression) per participant, plus the join page's HTML as a
browser receives it (gzip); not the static files a browser's cold cache also fetches.

Run: cd CHECKOUT && PYTHONPATH=CHECKOUT/src python /path/to/bench/streamlit_room.py [live_load.py's arguments]
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path


def main(argv: list[str]) -> int:
    checkout = Path.cwd()
    sys.path.insert(0, str(checkout / "bench"))
    import live_load  # the checkout's own

    old = "window.__hxTotals.push([Date.now(), digits === '' ? -1 : parseInt(digits, 10), text]);"
    new = "window.__hxTotals.push([Date.now(), text === null ? -1 : digits === '' ? 0 : parseInt(digits, 10), text]);"
    if old not in live_load.WATCH_TOTAL:
        raise SystemExit(f"{checkout}/bench/live_load.py is not the one this driver knows")
    live_load.WATCH_TOTAL = live_load.WATCH_TOTAL.replace(old, new)

    received = [0, 0]  # websocket bytes, tabs
    handle, opened = live_load.Tab._handle, live_load.Tab.open.__func__

    def counting(self, frame: bytes) -> None:
        received[0] += len(frame)
        handle(self, frame)

    async def counted(cls, *args, **kwargs):
        received[1] += 1
        return await opened(cls, *args, **kwargs)

    live_load.Tab._handle = counting
    live_load.Tab.open = classmethod(counted)
    page = [0]
    first_get = live_load.first_get

    def measured(base: str, query: str):
        if not page[0]:
            request = urllib.request.Request(f"{base}/join?{query}", headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=30) as response:
                page[0] = len(response.read())
        return first_get(base, query)

    live_load.first_get = measured
    code = live_load.main(argv)
    if "--json" in argv:
        out = Path(argv[argv.index("--json") + 1])
        rooms = json.loads(out.read_text())
        for room in rooms:
            room["bytes_per_phone"] = received[0] / max(1, received[1]) + page[0]
            room["websocket_bytes"], room["tabs"], room["page_bytes"] = received[0], received[1], page[0]
        out.write_text(json.dumps(rooms))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
