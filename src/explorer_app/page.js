// What every explorer page does in the browser, as a Streamlit v2 component that draws nothing
// (explorer_app/behaviour.py):
//
//   data.stylesheet   the explorer's stylesheet, put in the page's head once (its address changes with its content)
//   data.scripts      scripts the page will need, run now rather than when the element needing them is drawn
//                     (Leaflet, on the pages with a map: it then runs while the rest of the page arrives);
//                     leaflet_map.js imports this module for `loadScript`, so each script runs once
//   data.kiosk        {idle_ms, attract}: a kiosk; after idle_ms without a touch, key or scroll the browser goes
//                     to the attract screen with location.replace (a new page: the visitor's session is gone, and
//                     Back cannot return to it)
//   data.scroll       {id, block, nonce}: bring the element with this id into view, once per nonce and page
//
// It runs with the page's own privileges (components v2 are not sandboxed), so the timer and the stylesheet
// belong to the page itself and outlive the component's element.

function installStylesheet(href) {
  if (document.querySelector(`link[data-hx-stylesheet="${CSS.escape(href)}"]`)) { return; }
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
  link.setAttribute("data-hx-stylesheet", href);
  document.head.appendChild(link);
}

const loading = {};  // address -> Promise, resolved once the script has run

export function loadScript(src) {
  const url = new URL(src, document.baseURI).href;
  if (!loading[url]) {
    loading[url] = new Promise((resolve, reject) => {
      const tag = Object.assign(document.createElement("script"), { src: url });
      tag.addEventListener("load", resolve);
      tag.addEventListener("error", () => { delete loading[url]; reject(new Error(`could not load ${src}`)); });
      document.head.appendChild(tag);
    });
    loading[url].catch(() => {});  // the element that needs it reports the failure
  }
  return loading[url];
}

function installIdleTimer(kiosk) {
  document.documentElement.classList.add("hx-kiosk");
  if (window.__hxIdle) { return; }
  const state = window.__hxIdle = { last: Date.now() };
  const bump = () => { state.last = Date.now(); };
  for (const name of ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll", "input"]) {
    document.addEventListener(name, bump, { capture: true, passive: true });
  }
  // no long-press menu: it offers ways out of the kiosk (open in a new tab, search the web)
  document.addEventListener("contextmenu", (event) => event.preventDefault(), true);
  setInterval(() => {
    if (Date.now() - state.last > kiosk.idle_ms) { window.location.replace(new URL(kiosk.attract, document.baseURI).href); }
  }, 500);
}

const scrolled = new Set();

function scrollOnce(scroll) {
  if (scrolled.has(scroll.nonce)) { return; }
  scrolled.add(scroll.nonce);
  let tries = 0;
  const go = () => {
    const element = document.getElementById(scroll.id);
    if (element) { element.scrollIntoView({ block: scroll.block || "start" }); } else if (tries++ < 50) { setTimeout(go, 100); }
  };
  setTimeout(go, 50);
}

export default function ({ data }) {
  if (data.stylesheet) { installStylesheet(data.stylesheet); }
  for (const src of data.scripts || []) { loadScript(src); }
  if (data.kiosk) { installIdleTimer(data.kiosk); }
  if (data.scroll) { scrollOnce(data.scroll); }
}
