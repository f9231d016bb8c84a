// DOM building without HTML strings.
//
// Article text, titles, quotes and names are untrusted: they only ever reach the page as text nodes
// (textContent). No innerHTML/outerHTML/insertAdjacentHTML/document.write anywhere in this app.
// Links are either internal hash routes built by route() (every dynamic part URI-encoded) or an
// article's own URL when it is http(s); nothing else becomes an href.

const SVG_NS = "http://www.w3.org/2000/svg";

// Attributes h() may set; anything else is refused so a typo cannot become an event handler.
const ALLOWED_ATTRS = new Set([
  "class", "id", "title", "role", "type", "name", "value", "placeholder", "for", "min", "max", "step",
  "tabindex", "colspan", "datetime", "lang", "autocomplete", "enterkeyhint", "inputmode", "hidden",
  "aria-label", "aria-live", "aria-current", "aria-expanded", "aria-hidden", "aria-describedby",
  "data-testid", "data-kind", "data-id", "data-start", "data-end", "data-value", "data-label",
]);

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "href") {
      throw new Error("use link()/externalLink() to make links");
    }
    if (!ALLOWED_ATTRS.has(key)) throw new Error(`attribute not allowed: ${key}`);
    el.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h("p", {class: "meta"}, "text", childNode, [more]). Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  return append(el, children);
}

/** An SVG element; attribute values are set with setAttribute (no HTML parsing involved). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("on") || key === "href" || key === "xlink:href") throw new Error(`svg attribute not allowed: ${key}`);
    el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * An internal hash route: route("article", id, {start: 3, end: 9}) -> "#/article/<id>?start=3&end=9".
 * Every path part and query value is URI-encoded, so no data can change the route's shape.
 */
export function route(path, id, params) {
  let out = "#/" + path;
  if (id !== undefined && id !== null) out += "/" + encodeURIComponent(String(id));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    query.set(key, String(value));
  }
  const qs = query.toString();
  return qs ? `${out}?${qs}` : out;
}

/** An <a> to an internal route made by route(). */
export function link(href, attrs, ...children) {
  if (typeof href !== "string" || !href.startsWith("#/")) throw new Error("internal links only");
  const a = h("a", attrs, ...children);
  a.setAttribute("href", href);
  return a;
}

/** An <a> to an article's own web address, only when it is http(s); else plain text (or nothing). */
export function externalLink(url, text) {
  if (typeof url !== "string" || !/^https?:\/\/[^\s]+$/i.test(url.trim())) return null;
  const a = h("a", { class: "external" }, text);
  a.setAttribute("href", url.trim());
  a.setAttribute("rel", "noopener noreferrer nofollow");
  a.setAttribute("target", "_blank");
  return a;
}

/** An SVG <a> to an internal route (chart points). */
export function svgLink(href, attrs, ...children) {
  if (typeof href !== "string" || !href.startsWith("#/")) throw new Error("internal links only");
  const a = svg("a", attrs, ...children);
  a.setAttribute("href", href);
  return a;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const numberFormat = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

/** 12000 -> "12,000"; 5000000 with unit EUR -> "5,000,000 EUR". */
export function formatNumber(value, unit) {
  if (value === null || value === undefined) return "";
  const text = numberFormat.format(value);
  if (!unit) return text;
  return unit === "%" || unit === "percent" ? `${text}%` : `${text} ${unit}`;
}

// How each figure qualifier of the extractor reads in prose.
const QUALIFIER_WORDS = {
  approx: "about", nearly: "nearly", "more than": "more than", "at least": "at least",
  "up to": "up to", "less than": "less than",
};

/** "at least 26", "about 1,500", "19". */
export function qualified(value, qualifier, unit) {
  const number = formatNumber(value, unit);
  if (!qualifier) return number;
  return `${QUALIFIER_WORDS[qualifier] || qualifier} ${number}`;
}

/** "2025-06-10" -> "Tue 10 Jun 2025", or "10 Jun 2025" when short (other values stay as given). */
export function formatDate(value, { short = false } = {}) {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return value || "undated";
  const d = new Date(value + "T00:00:00Z");
  if (Number.isNaN(d.getTime())) return value;
  const parts = { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };
  if (!short) parts.weekday = "short";
  return d.toLocaleDateString("en-GB", parts);
}

/** "10 Jun 2025 – 15 Jun 2025", or one date when both are the same. */
export function dateRange(first, last) {
  if (!first && !last) return "undated";
  if (first === last || !last) return formatDate(first, { short: true });
  if (!first) return formatDate(last, { short: true });
  return `${formatDate(first, { short: true })} – ${formatDate(last, { short: true })}`;
}

export function plural(n, one, many) {
  return `${formatNumber(n)} ${n === 1 ? one : many || one + "s"}`;
}

/** "Coastal Daily · Wed 11 Jun 2025" from the parts that are known. */
export function byline(...parts) {
  return parts.filter((part) => part !== null && part !== undefined && part !== "").join(" · ");
}
