// storyline's web page: a hash router over the read-only HTTP API (/api/...).
//
// Plain ES modules, no framework, no build step, nothing loaded from elsewhere: the page works
// offline and under the server's strict Content-Security-Policy (no inline scripts or styles).
// Every view is a function from the route to a DOM element; data arrives later and fills it. A view
// that is replaced before its data arrives is detached, so late data lands nowhere visible.

import { get } from "./api.js";
import { h, replace, route, formatNumber } from "./dom.js";
import { navigate } from "./nav.js";
import { timelineView } from "./timeline.js";
import { seriesListView, seriesView } from "./series.js";
import { actorsView, actorView } from "./actors.js";
import { quotesView } from "./quotes.js";
import { articleView } from "./article.js";
import { searchView, searchFilters } from "./search.js";
import { errorBox } from "./widgets.js";

const main = document.getElementById("main");
const searchForm = document.getElementById("search-form");
const searchInput = document.getElementById("search-input");

/** "#/article/abc?start=1&end=4" -> {parts: ["article", "abc"], params: URLSearchParams}. */
function parseHash(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const params = new URLSearchParams(cut < 0 ? "" : raw.slice(cut + 1));
  const parts = path.split("/").filter(Boolean).map((part) => decodeURIComponent(part));
  return { parts, params };
}

// Section of the navigation bar each route belongs to.
const SECTIONS = { "": "stories", timeline: "stories", series: "series", actors: "actors", actor: "actors",
  quotes: "quotes", search: "search", article: "" };

function viewFor(parts, params) {
  const [name = "", id] = parts;
  switch (name) {
    case "":
    case "timeline":
      return timelineView(params);
    case "series":
      return id !== undefined ? seriesView(id) : seriesListView(params);
    case "actors":
      return actorsView(params);
    case "actor":
      return id !== undefined ? actorView(id) : actorsView(params);
    case "quotes":
      return quotesView(params);
    case "article":
      return id !== undefined ? articleView(id, params) : null;
    case "search":
      return searchView(params, searchInput);
    default:
      return null;
  }
}

function markSection(name) {
  const section = SECTIONS[name] ?? "";
  for (const a of document.querySelectorAll("nav.sections a")) {
    if (a.dataset.section === section) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

let lastPath = null;

function render() {
  let parsed;
  try {
    parsed = parseHash(location.hash);
  } catch (err) {
    replace(main, errorBox(new Error("This address is malformed.")));
    return;
  }
  const { parts, params } = parsed;
  markSection(parts[0] || "");
  if (parts[0] !== "search") searchInput.value = "";
  let view;
  try {
    view = viewFor(parts, params);
  } catch (err) {
    view = errorBox(err);
  }
  replace(main, view || h("div", { class: "view" }, h("h1", null, "Not found"),
    h("p", null, "There is no page at this address.")));
  // A new page starts at the top; the article view scrolls to its focused span itself.
  const path = parts.slice(0, 2).join("/");
  if (parts[0] !== "article" || path !== lastPath) window.scrollTo(0, 0);
  lastPath = path;
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = searchInput.value.trim();
  if (!q) return;
  // Keep the filters of the current search when the words change.
  const { parts, params } = parseHash(location.hash);
  const keep = parts[0] === "search" ? searchFilters(params) : {};
  navigate(route("search", null, { ...keep, q }));
});

async function showStats() {
  const footer = document.getElementById("stats");
  try {
    const s = await get("stats");
    footer.textContent = ["articles", "stories", "quotes", "figures", "actors", "events"]
      .filter((key) => Number.isInteger(s[key]))
      .map((key) => `${formatNumber(s[key])} ${key}`).join(" · ");
  } catch (err) {
    footer.textContent = "";
  }
}

window.addEventListener("hashchange", render);
render();
showStats();
