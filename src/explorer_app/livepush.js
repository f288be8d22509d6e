// The live page's push (explorer_app/livepush.py), a Streamlit v2 component that draws nothing.
//
// data = {url, coalesce_ms, errors}
//   url          the session's stream (/live/events?code=…&screen=… or &key=…): `state`, `answers` and `guest` events
//   coalesce_ms  at most one report per this long: a burst of answers is one rerun, sent when the burst's first
//                interval ends (the last answer of a burst is never left unreported)
//   errors       failed connections in a row before the stream is reported broken
// Reports: the trigger value `event` ("state", "answers" or "guest"), which reruns the fragment the component sits in; the
// state value `streaming`: true once the stream is open, false once it broke (the page then polls again).
//
// One EventSource per element, kept across the fragment's reruns (Streamlit calls this function on each with the
// same element) and closed once the element has left the page.

const CHECK_MS = 2000;  // how often an open stream looks whether its element is still on the page
const REOPEN_MS = 30000;  // a stream the browser gave up on (the server refused it) is tried again after this long

function open(root) {
  const state = root.__hxPush;
  const source = new EventSource(new URL(state.url, document.baseURI).href);
  state.source = source;
  let errors = 0;
  const report = (kind) => {
    state.pending = state.pending || kind;
    if (state.timer) { return; }
    const wait = Math.max(0, state.last + state.coalesce - Date.now());
    state.timer = setTimeout(() => {
      state.timer = null;
      state.last = Date.now();
      const sent = state.pending;
      state.pending = null;
      root.__hxTrigger("event", sent);
    }, wait);
  };
  const streaming = (value) => {
    if (state.streaming !== value) { state.streaming = value; root.__hxState("streaming", value); }
  };
  source.addEventListener("open", () => {
    if (state.streaming === false) { report("state"); }  // back after a break: catch up on what it missed
    errors = 0;
    streaming(true);
  });
  for (const kind of ["state", "answers", "guest"]) {
    // a state change matters more than answers: a burst with both reports the state
    source.addEventListener(kind, () => report(kind === "state" || state.pending === "state" ? "state" : kind));
  }
  source.addEventListener("error", () => {
    errors += 1;
    if (source.readyState === EventSource.CLOSED) {  // refused (not a stream, a 4xx): the browser stops trying
      streaming(false);
      if (state.source === source) {
        state.reopen = setTimeout(() => { if (state.source === source && !state.closed) { open(root); } }, REOPEN_MS);
      }
    } else if (errors >= state.errors) {  // still retrying by itself; meanwhile the page polls
      streaming(false);
    }
  });
}

function close(state) {
  state.closed = true;
  if (state.source) { state.source.close(); state.source = null; }
  clearTimeout(state.timer);
  clearTimeout(state.reopen);
  clearInterval(state.check);
}

export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  const root = parentElement;
  root.__hxTrigger = setTriggerValue;  // the latest mount's: its run is the one to report to
  root.__hxState = setStateValue;
  const state = root.__hxPush;
  if (state && state.url === data.url && !state.closed) { return; }
  if (state) { close(state); }
  if (typeof EventSource === "undefined") { setStateValue("streaming", false); return; }
  root.__hxPush = { url: data.url, coalesce: data.coalesce_ms || 400, errors: data.errors || 3, last: 0,
                    timer: null, pending: null, reopen: null, source: null, streaming: null, closed: false };
  root.__hxPush.check = setInterval(() => {
    if (!root.isConnected) { close(root.__hxPush); }  // the page moved on: nobody reads this stream any more
  }, CHECK_MS);
  open(root);
}
