// Accessibility helpers of the handbook's pages and forms (site_src/pages/accessibility.md).
//
// - markScrollRegions(): a box that scrolls sideways (Material's table wrapper, the forms' tables on
//   a phone) and holds nothing a keyboard can reach gets tabindex="0", role="region" and a name,
//   so that keyboard users can scroll it (axe rule scrollable-region-focusable, WCAG 2.1.1); boxes
//   that stop scrolling, or gain a link or input, lose the marks again.
// - Announcer: one polite live region per form; say() is debounced, so a burst of changes is
//   read once, and the same words are not read twice.
// - describedBy(el, ...ids): sets aria-describedby to the ids that exist.

import { h, setText } from "./form-dom.mjs";

const SCROLLERS = ".md-typeset__scrollwrap, .wsas-form__table-wrap, .wsas-hf__table-wrap";
const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), "
  + "textarea:not([disabled]), [tabindex]:not([tabindex='-1']), summary";
const MARK = "wsasScrollRegion";

const HEADING = /^H[1-6]$/;

/** The table's caption, else the heading above it (the section the table belongs to). */
function regionName(box) {
  const caption = box.querySelector("caption");
  let words = caption ? caption.textContent : "";
  for (let el = box.previousElementSibling; !words && el; el = el.previousElementSibling) {
    if (HEADING.test(el.tagName)) words = el.textContent.replace(/[¶#]\s*$/, "");
  }
  words = words.trim().replace(/\s+/g, " ");
  return words ? `${words}（表格，可左右滚动）` : "表格（可左右滚动）";
}

/** Mark (or unmark) the scrolling boxes under root that a keyboard could not otherwise reach. */
export function markScrollRegions(root = document) {
  for (const box of root.querySelectorAll(SCROLLERS)) {
    const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    const reachable = [...box.querySelectorAll(FOCUSABLE)].some((el) => !el.hidden && el.getClientRects().length > 0);
    const needed = scrolls && !reachable;
    if (needed && !(MARK in box.dataset)) {
      if (box.hasAttribute("tabindex")) continue; // someone else's
      box.dataset[MARK] = "";
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", regionName(box));
      box.classList.add("wsas-scroll-region");
    } else if (!needed && MARK in box.dataset) {
      delete box.dataset[MARK];
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      box.classList.remove("wsas-scroll-region");
    }
  }
}

let watching = false;

/** Mark the scrolling boxes now, after the theme has wrapped its tables, and whenever the window resizes. */
export function watchScrollRegions() {
  if (watching || typeof window === "undefined") return;
  watching = true;
  let timer = 0;
  const later = (delay = 150) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => markScrollRegions(), delay);
  };
  markScrollRegions();
  later(0);
  window.addEventListener("load", () => later(0));
  window.addEventListener("resize", () => later());
  // a <details> opened, a form rendered or a row added changes what scrolls
  document.addEventListener("toggle", () => later(), true);
}

/** Set aria-describedby to those of ids that are given (null and "" are skipped). */
export function describedBy(el, ...ids) {
  const list = ids.filter(Boolean);
  if (list.length) el.setAttribute("aria-describedby", list.join(" "));
  else el.removeAttribute("aria-describedby");
}

/** A polite live region: say(text) reads text once, a moment after the last change. */
export class Announcer {
  constructor() {
    this.el = h("div", { class: "wsas-sr", role: "status", "aria-live": "polite", "aria-atomic": "true",
      "data-announce": "" });
    this.timer = 0;
  }

  say(text, delay = 400) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => setText(this.el, text), delay);
  }
}
