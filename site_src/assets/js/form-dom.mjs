// Small DOM helpers for the WSAS form (no framework).

/**
 * Create an element: h("td", {class: "x", colspan: 2, "data-awarded": "1.1", text: "…"}, child, …).
 * Keys: class, text, html is not supported (everything is text); on<Event> adds a listener;
 * value / checked / disabled / hidden are set as properties; other keys are attributes
 * (null / false / undefined skip them). Children may be nodes, strings or arrays of them.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked" || key === "hidden" || key === "disabled") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of an element. */
export function setChildren(el, ...children) {
  el.textContent = "";
  append(el, children);
}

/** Set text only when it changed (keeps the DOM quiet while typing). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}
