// The explorer's map, drawn by Leaflet in the page itself (a Streamlit v2 component in a shadow root, no iframe).
//
// data = {map, overlay, center, focus, height, label, error, clickable, under, stylesheet, page_module}
//   map        the address of the map's script (explorer/mapparts.py, served by explorer_app/mapcomponent.py); it
//              registers `parts` {map_id, scripts, stylesheets, css, fit} and `draw(L)`, folium's script, in
//              window.__hxMaps under its own address; loaded once per page
//   overlay    the address of a layer's script (the selection ring, the walk) or null; it registers `add(L)` in
//              window.__hxLayers: the layer is swapped without drawing the map again
//   center     [lat, lon] or null: the selected place, brought into view when the selection changes
//   page_module  the address of page.js, whose loadScript runs Leaflet once per page (it may have started already)
//   under      HTML drawn under the map (the legend, a summary of the selection), built and escaped by the
//              explorer's Python (explorer/fragments.py), never taken from a visitor; styled by `stylesheet`
// A tapped marker reports its place's id as the trigger value `clicked` (never coordinates).
//
// folium's script creates the map with L.map("<map_id>", …); a shadow root has no ids the document can find,
// so the script is given a Leaflet whose `map` creates that map on this component's own element. Script files,
// not strings to evaluate: the page's Content-Security-Policy allows no eval.

const module = (address) => import(new URL(address, document.baseURI).href);  // each address once per page

async function registered(registry, address, pageModule) {
  // a map's or a layer's script, run once per page by page.js, registers itself under its own address
  const { loadScript } = await module(pageModule);
  await loadScript(address);
  const found = (window[registry] || {})[new URL(address, document.baseURI).href];
  if (!found) { throw new Error(`${address} registered nothing`); }
  return found;
}

function el(tag, attributes) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) { node.setAttribute(name, value); }
  return node;
}

function drawUnder(root, data) {
  // Under the map, and shown at once: it needs no Leaflet.
  let under = [...root.children].find((child) => child.classList.contains("hx-under"));
  if (!under) { under = root.appendChild(el("div", { class: "hx-under" })); }
  if (under.__hxHtml === data.under) { return; }
  under.__hxHtml = data.under;
  const template = document.createElement("template");
  template.innerHTML = data.under || "";
  under.replaceChildren(template.content);
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

function keepInView(state, box, center) {
  // A new selection: keep its place on the map, and the map on the screen (a choice from the list below it).
  if (!state.map.getBounds().pad(-0.1).contains(center)) { state.map.panTo(center); }
  const rect = box.getBoundingClientRect();
  if (rect.bottom < 0 || rect.top > window.innerHeight) { box.scrollIntoView({ block: "start" }); }
}

async function update(state, box, data) {
  const { map } = state;
  if (data.overlay !== state.overlayAddress) {
    state.overlayAddress = data.overlay;
    const add = data.overlay ? await registered("__hxLayers", data.overlay, data.page_module) : null;
    if (state.overlayAddress !== data.overlay) { return; }  // a newer run asked for another layer meanwhile
    if (state.overlay) { map.removeLayer(state.overlay); state.overlay = null; }
    // the layer's own script adds it to a map of its own; here that map is the one already drawn
    if (add) { state.overlay = add(Object.create(window.L, { map: { value: () => map } })); }
  }
  // A part of the map to show (the walk's route): fitted when it changes, and kept while the layout settles.
  const focus = data.focus ? JSON.stringify(data.focus) : null;
  if (focus !== state.focus) {
    state.focus = focus;
    state.fit.bounds = data.focus;
    // the last route's pending fit goes: left waiting for a zoom's end, it would win over this one's
    if (state.pendingFit) { map.off("zoomend", state.pendingFit); state.pendingFit = null; }
    if (data.focus) {
      const show = () => map.fitBounds(data.focus, { padding: [40, 40], animate: false });
      show();
      state.pendingFit = show;
      map.once("zoomend", show);  // a zoom still animating (the layout settling) would otherwise win
    }
  }
  const center = data.center ? JSON.stringify(data.center) : null;
  if (center && state.center !== undefined && center !== state.center) { keepInView(state, box, data.center); }
  state.center = center;
}

async function draw(root, data, report) {
  // The box keeps its height while Leaflet loads (nothing below it jumps).
  const box = el("div", { class: "hx-map", role: "region", "aria-label": data.label || "Map" });
  box.style.height = `max(${data.height}px, var(--hx-map-grow, 0px))`;  // taller on a projector (app.css)
  const container = el("div", { class: "hx-map-root" });
  container.append(el("link", { rel: "stylesheet", href: data.stylesheet }), box);
  root.replaceChildren(container);
  drawUnder(root, data);
  const { parts: map, draw: drawMap } = await registered("__hxMaps", data.map, data.page_module);
  const { loadScript } = await module(data.page_module);  // page.js: Leaflet runs once per page
  await Promise.all(map.scripts.map(loadScript));
  const style = el("style");
  style.textContent = map.css;
  container.prepend(...map.stylesheets.map((href) => el("link", { rel: "stylesheet", href })), style);
  // Leaflet focuses the map on a press and then restores the window's scroll; in Streamlit the page scrolls
  // inside its own element, so a map whose bottom was below the fold scrolled between press and release and a
  // tap missed its marker. Focus without scrolling.
  const focus = box.focus.bind(box);
  box.focus = (options) => focus({ ...options, preventScroll: true });
  let created = null;
  const leaflet = Object.create(window.L, {
    map: { value: (id, options) => (created = window.L.map(id === map.map_id ? box : id, options)) },
  });
  drawMap(leaflet);
  if (!created) { throw new Error("the map's script drew no map"); }
  watchClicks(created, report);  // whether a tap counts is decided by the latest data (the element may be reused)
  // The page's layout may still settle after the map is drawn (and a phone may turn): keep Leaflet's idea of
  // its size right, and keep the places fitted until the visitor moves the map themselves.
  let touched = false;
  for (const name of ["pointerdown", "wheel", "keydown", "touchstart"]) {
    box.addEventListener(name, () => { touched = true; }, { passive: true });
  }
  const fit = { bounds: null };  // a part of the map the page asked for (update), else every place
  const measured = created.getSize();
  let size = `${measured.x}x${measured.y}`;
  const observer = new ResizeObserver(() => {
    const now = `${box.clientWidth}x${box.clientHeight}`;
    if (now === size || !box.clientWidth) { return; }
    size = now;
    created.invalidateSize();
    // at once, not animated: the layout settling is no move of the visitor's, and a tap must find its marker
    const bounds = fit.bounds || (map.fit && map.fit.bounds);
    if (!touched && bounds) { created.fitBounds(bounds, { ...(map.fit ? map.fit.options : {}), animate: false }); }
  });
  observer.observe(box);
  return { map: created, box, observer, address: data.map, overlay: null, overlayAddress: null, center: undefined,
           focus: null, fit };
}

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement;
  // Streamlit may give the same element to the next page's map (the walk's, then the map page's): a tap reports
  // through the latest mount, and only where that map takes taps.
  root.__hxReport = setTriggerValue;
  const report = (id) => { if (root.__hxLatest.clickable) { root.__hxReport("clicked", id); } };
  root.__hxLatest = data;
  if (!root.__hxDrawing || root.__hxAddress !== data.map) {
    if (root.__hxState) { root.__hxState.observer.disconnect(); root.__hxState.map.remove(); root.__hxState = null; }
    root.__hxAddress = data.map;
    root.__hxDrawing = draw(root, data, report).then((state) => { root.__hxState = state; return state; });
  }
  drawUnder(root, data);  // at once, drawn or not: it needs no Leaflet
  root.__hxDrawing.then((state) => {
    if (state.address === data.map && root.__hxLatest === data) { return update(state, state.box, data); }
    return null;
  }).catch((error) => {
    root.__hxDrawing = null;  // the next run tries again
    const note = el("p", { class: "hx-map-error", role: "alert" });
    note.textContent = `${data.error || "The map could not be drawn."} (${error.message})`;
    root.replaceChildren(el("link", { rel: "stylesheet", href: data.stylesheet }), note);
    drawUnder(root, data);  // the legend, and on a phone the way down to the place's scenes, stay
  });
}
