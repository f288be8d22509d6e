// Light navigation for the explorer: plain links and buttons drawn from `data` (a Streamlit v2 component).
//
// Streamlit draws every element of a run before the map can start, so the top navigation and the list of places
// are kept to plain HTML here instead of many Streamlit widgets. Links are real links (they open in a new tab, can
// be copied, and work without this script's help); a plain click is reported to Python as a trigger value
// instead (`data.groups[].items[].event` and `.value`), so the page changes without loading the whole app again.
//
// data = {tag, label, class, kiosk, before, after, groups: [{label, class, items: [item]}]}, where an item is one of
//   {type: "link", key, text, href, symbol, current, event, value, title}
//   {type: "choice", key, text, pressed, event, value, title, name, lang}   (one of a group, e.g. a language)
//   {type: "switch", key, text, on, event, title}                (on/off; reports the new state)
// On a kiosk (`data.kiosk`) every click stays in the page: no new tab, window or dragged-out link.
// `before` and `after` are HTML around the controls (a title, a heading, an introduction), built and escaped by
// the explorer's Python (explorer/fragments.py), never taken from a visitor.

function node(tag, attributes, text) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) { element.setAttribute(name, value === true ? "" : value); }
  }
  if (text) { element.textContent = text; }
  return element;
}

function decorate(element, item) {
  if (item.symbol) {
    const symbol = node("span", { class: `hx-sym ${item.symbol}`, "aria-hidden": "true" });
    symbol.append(node("i", {}));
    element.append(symbol);
  }
  element.append(node("span", { class: "hx-text" }, item.text));
  return element;
}

function plainClick(event) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

function control(item, report, kiosk) {
  if (item.type === "link") {
    const link = decorate(node("a", { href: item.href, "aria-current": item.current ? item.current_value || "page" : null,
      title: item.title, "data-key": item.key, draggable: kiosk ? "false" : null }), item);
    if (kiosk) { link.addEventListener("auxclick", (event) => event.preventDefault()); }
    link.addEventListener("click", (event) => {
      if (!item.event || (!kiosk && !plainClick(event))) { return; }  // a new tab or window: the browser follows
      event.preventDefault();
      link.closest("[data-hx-links]").querySelectorAll("a[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
      link.setAttribute("aria-current", item.current_value || "page");  // at once; the page follows
      report(item.event, item.value);
    });
    return link;
  }
  if (item.type === "switch") {
    const button = decorate(node("button", { type: "button", role: "switch", "aria-checked": item.on ? "true" : "false",
      title: item.title, "data-key": item.key }), item);
    button.prepend(node("span", { class: "hx-switch", "aria-hidden": "true" }));
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-checked") !== "true";
      button.setAttribute("aria-checked", on ? "true" : "false");
      report(item.event, on);
    });
    return button;
  }
  const button = decorate(node("button", { type: "button", "aria-pressed": item.pressed ? "true" : "false",
    title: item.title, "aria-label": item.name, lang: item.lang, "data-key": item.key }), item);
  button.addEventListener("click", () => {
    button.parentElement.parentElement.querySelectorAll("button[aria-pressed]")
      .forEach((b) => b.setAttribute("aria-pressed", b === button ? "true" : "false"));
    report(item.event, item.value);
  });
  return button;
}

function build(data, report) {
  // A <nav> is a landmark that takes the name; otherwise the name goes to the first list, where it is announced.
  const nav = data.tag === "nav";
  const top = node(nav ? "nav" : "div", { class: `hx-links ${data.class || ""}`, "aria-label": nav ? data.label : null,
    "data-hx-links": true });
  data.groups.forEach((group, index) => {
    const list = node("ul", { class: `hx-links-group ${group.class || ""}`, role: "list",
      "aria-label": group.label || (!nav && index === 0 ? data.label : null) });
    for (const item of group.items) {
      const entry = node("li", {});
      entry.append(control(item, report, !!data.kiosk));
      list.append(entry);
    }
    top.append(list);
  });
  return [html(data.before), top, html(data.after)];
}

function html(markup) {
  const template = document.createElement("template");
  template.innerHTML = markup || "";
  return template.content;
}

export default function ({ data, parentElement, setTriggerValue }) {
  const shape = JSON.stringify(data);
  if (parentElement.__hxShape === shape) { return; }
  parentElement.__hxShape = shape;
  // Drawn again when the data changes; the keyboard focus stays on the same control.
  const focused = parentElement.contains(document.activeElement) && document.activeElement.getAttribute("data-key");
  const report = (event, value) => {
    // The control shows the choice at once; if the page does not follow (a value it refuses, a lost connection),
    // the next data, even if unchanged, draws the page's state again.
    parentElement.__hxShape = null;
    setTriggerValue(event, value);
  };
  parentElement.replaceChildren(...build(data, report));
  if (focused) {
    const again = [...parentElement.querySelectorAll("[data-key]")].find((e) => e.getAttribute("data-key") === focused);
    if (again) { again.focus({ preventScroll: true }); }
  }
}
