// The explorer's map, drawn by Leaflet in the page itself (a Streamlit v2 component, no iframe).
//
// Python renders the folium map once into `data.script` (Leaflet calls that create `map_div` on the element
// `map_element`) and sends it with the map's styles; this module loads Leaflet (served by the app), draws the
// map in the component's shadow root, and reports a tapped place's id as the trigger value `clicked`.
// Streamlit calls this function again whenever `data` changes: the map is drawn once per `data.map_key`,
// later calls only move the selection ring and, when asked, the view, and redraw what is under the map
// (`data.under`: the legend and a summary of the selection, HTML built and escaped by the explorer's Python in
// explorer/fragments.py, never taken from a visitor).

const scripts = {};

function loadScript(src) {
  // The page's head already loads Leaflet (explorer_app/preload.py); wait for that script rather than add another.
  if (!scripts[src]) {
    scripts[src] = window.L ? Promise.resolve() : new Promise((resolve, reject) => {
      const url = new URL(src, document.baseURI).href;
      const tag = [...document.scripts].find((s) => s.src === url) || document.head.appendChild(Object.assign(
        document.createElement("script"), { src }));
      tag.addEventListener("load", () => (window.L ? resolve() : reject(new Error(`no Leaflet in ${src}`))));
      tag.addEventListener("error", () => { delete scripts[src]; reject(new Error(`could not load ${src}`)); });
      if (window.L) { resolve(); }  // it ran in the meantime
      // a head script that failed before we listened says nothing more: give up after a while, with a message
      setTimeout(() => { if (!window.L) { delete scripts[src]; reject(new Error(`no Leaflet from ${src}`)); } }, 20000);
    });
  }
  return scripts[src];
}

function el(tag, attributes) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) { node.setAttribute(name, value); }
  return node;
}

function watchClicks(map, report) {
  map.eachLayer((layer) => {
    const id = layer.feature && layer.feature.properties && layer.feature.properties.id;
    if (typeof id === "string" && !layer.__hxWatched) {
      layer.__hxWatched = true;
      layer.on("click", () => report(id));
    }
  });
}

function drawUnder(root, data) {
  // Under the map, and shown at once: it needs no Leaflet.
  let under = [...root.children].find((child) => child.classList.contains("hx-under"));
  if (!under) { under = root.appendChild(el("div", { class: "hx-under" })); }
  if (under.__hxHtml === data.under) { return; }
  under.__hxHtml = data.under;
  const style = el("style");
  style.textContent = data.under_css || "";
  const template = document.createElement("template");
  template.innerHTML = data.under || "";
  under.replaceChildren(style, template.content);
}

function update(state, data) {
  const { map } = state;
  if (data.overlay !== state.overlayScript) {
    if (state.overlay) { map.removeLayer(state.overlay); state.overlay = null; }
    if (data.overlay) { state.overlay = new Function("L", "map_div", `${data.overlay}\nreturn overlay;`)(window.L, map); }
    state.overlayScript = data.overlay;
  }
  const center = data.center ? JSON.stringify(data.center) : null;
  if (center && center !== state.center) { map.setView(data.center, map.getZoom()); }
  state.center = center;
}

async function draw(root, data, report) {
  // The box keeps its height while Leaflet loads (nothing below it jumps), and Leaflet's styles load meanwhile.
  const box = el("div", { class: "hx-map", role: "region", "aria-label": data.label || "Map" });
  box.style.height = `${data.height}px`;
  const style = el("style");
  style.textContent = data.css;
  const container = el("div", { class: "hx-map-root" });
  container.append(el("link", { rel: "stylesheet", href: data.leaflet_css }), style, box);
  const previous = root.__hxState;
  root.__hxState = null;
  if (previous) { previous.observer.disconnect(); previous.map.remove(); }
  root.replaceChildren(container);
  drawUnder(root, data);
  await loadScript(data.leaflet_js);
  // Leaflet focuses the map on a press (for its keyboard controls) and then restores the window's scroll; in
  // Streamlit the page scrolls inside its main element instead, so focusing a map whose bottom is below the fold
  // scrolled the page between press and release, and a tap on a marker missed it. Focus without scrolling.
  const focus = box.focus.bind(box);
  box.focus = (options) => focus({ ...options, preventScroll: true });
  const map = new Function("L", "map_element", `${data.script}\nreturn map_div;`)(window.L, box);
  if (data.clickable) { watchClicks(map, report); }
  // The page's layout may still settle after the map is drawn (and a phone may turn): keep Leaflet's idea of
  // its size right, and keep the places fitted until the visitor moves the map themselves.
  let touched = false;
  for (const name of ["pointerdown", "wheel", "keydown", "touchstart"]) {
    box.addEventListener(name, () => { touched = true; }, { passive: true });
  }
  // Leaflet has just measured the box; asking the box again here would lay out the whole page once more.
  const measured = map.getSize();
  let size = `${measured.x}x${measured.y}`;
  const observer = new ResizeObserver(() => {
    const now = `${box.clientWidth}x${box.clientHeight}`;
    if (now === size || !box.clientWidth) { return; }
    size = now;
    map.invalidateSize();
    if (!touched && data.fit) { map.fitBounds(data.fit.bounds, data.fit.options); }
  });
  observer.observe(box);
  return { map, observer, key: data.map_key, overlay: null, overlayScript: "", center: null };
}

// The maps this page has been sent, by map_key: Python sends a map's script, styles and fit once per page
// (explorer_app/mapcomponent.py), and later runs only what changes. A page without them (a session that
// outlived its page) reports the key as `missing`, and the next run sends them again.
const rendered = {};

export default function ({ data: sent, parentElement, setTriggerValue }) {
  const root = parentElement;
  if (sent.script) { rendered[sent.map_key] = { script: sent.script, css: sent.css, fit: sent.fit }; }
  if (!rendered[sent.map_key]) {
    drawUnder(root, sent);
    setTriggerValue("missing", sent.map_key);
    return;
  }
  const data = { ...sent, ...rendered[sent.map_key] };
  const report = (id) => setTriggerValue("clicked", id);
  root.__hxLatest = data;
  if (!root.__hxDrawing || root.__hxKey !== data.map_key) {
    root.__hxKey = data.map_key;
    root.__hxDrawing = draw(root, data, report).then((state) => { root.__hxState = state; return state; });
  }
  drawUnder(root, data);  // at once, drawn or not: it needs no Leaflet
  root.__hxDrawing.then((state) => {
    if (state.key === data.map_key && root.__hxLatest === data) { update(state, data); }
  }).catch((error) => {
    const note = el("p", { class: "hx-map-error", role: "alert" });
    note.textContent = `${data.error || "The map could not be drawn."} (${error.message})`;
    root.replaceChildren(note);
    drawUnder(root, data);  // the legend, and on a phone the way down to the place's scenes, stay
  });
}
