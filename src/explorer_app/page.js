// What every explorer page does in the browser, as a Streamlit v2 component that draws nothing
// (explorer_app/behaviour.py):
//
//   data.stylesheet   the explorer's stylesheet, put in the page's head once (its address changes with its content)
//   data.scripts      scripts the page will need, run now rather than when the element needing them is drawn
//                     (Leaflet, on the pages with a map: it then runs while the rest of the page arrives);
//                     leaflet_map.js imports this module for `loadScript`, so each script runs once
//   data.kiosk        {idle_ms, attract, attract_screen}: a kiosk. No way out: no context menu or long-press
//                     callout, no selection, nothing to drag out, no link opened in another tab or window by any
//                     click. After idle_ms without a touch, key or scroll (none on the attract screen itself) the
//                     browser goes to the attract screen with location.replace: a new page, the visitor's session
//                     gone. Back never returns to a visitor: the attract screen holds Back, and a kiosk page
//                     reached by Back or Forward goes straight on to the attract screen.
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

function lockDown(kiosk) {
  document.documentElement.classList.add("hx-kiosk");
  if (window.__hxKiosk) { return; }
  window.__hxKiosk = true;
  const attract = new URL(kiosk.attract, document.baseURI).href;
  const [visit] = performance.getEntriesByType("navigation");
  if (!kiosk.attract_screen && visit && visit.type === "back_forward") { window.location.replace(attract); return; }
  const refuse = (event) => event.preventDefault();
  // ways out: the long-press or right-click menu (open in a new tab, search the web), a selection's menu, a link
  // dragged out, a middle click or a click with a modifier key (another tab or window)
  for (const name of ["contextmenu", "selectstart", "dragstart", "auxclick"]) { document.addEventListener(name, refuse, true); }
  document.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { event.preventDefault(); }
  }, true);
  document.documentElement.classList.add("hx-guarded");  // css/kiosk_guard.css: the page may show now
  if (kiosk.attract_screen) {  // Back stays here: nothing of the previous visitor is behind it
    history.pushState({ hxAttract: true }, "", location.href);
    window.addEventListener("popstate", () => history.pushState({ hxAttract: true }, "", location.href));
    return;
  }
  const state = { last: Date.now() };
  const bump = () => { state.last = Date.now(); };
  for (const name of ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll", "input"]) {
    document.addEventListener(name, bump, { capture: true, passive: true });
  }
  setInterval(() => { if (Date.now() - state.last > kiosk.idle_ms) { window.location.replace(attract); } }, 500);
}

const scrolled = new Set();

function scrollOnce(scroll) {
  if (scrolled.has(scroll.nonce)) { return; }
  scrolled.add(scroll.nonce);
  let tries = 0;
  let touched = false;  // the visitor scrolls or taps: the page is theirs from then on
  const mine = () => { touched = true; };
  for (const name of ["pointerdown", "wheel", "touchstart", "keydown"]) {
    document.addEventListener(name, mine, { capture: true, passive: true, once: true });
  }
  const place = (element) => element.scrollIntoView({ block: scroll.block || "start" });
  const go = () => {
    const element = document.getElementById(scroll.id);
    if (!element) { if (tries++ < 50) { setTimeout(go, 100); } return; }
    place(element);
    // what loads above it afterwards (a stylesheet, images, the rest of the page) can push it away: keep it in
    // view while the page settles, for a few seconds at most
    let checks = 0;
    const keep = setInterval(() => {
      const rect = element.getBoundingClientRect();
      if (touched || !element.isConnected || checks++ > 20) { clearInterval(keep); return; }
      if (rect.bottom <= 0 || rect.top >= window.innerHeight) { place(element); }
    }, 200);
  };
  setTimeout(go, 50);
}

export default function ({ data }) {
  if (data.stylesheet) { installStylesheet(data.stylesheet); }
  for (const src of data.scripts || []) { loadScript(src); }
  if (data.kiosk) { lockDown(data.kiosk); }
  if (data.scroll) { scrollOnce(data.scroll); }
}
