// Figure series over time (#/series?story=ID and #/series/ID): charts, conflict notes, report tables.

import { get, itemPath } from "./api.js";
import { h, link, replace, route, qualified, dateRange, formatDate, plural } from "./dom.js";
import { seriesChart } from "./chart.js";
import { pagedList, status, errorBox, byline, storyPicker } from "./widgets.js";
import { navigate } from "./nav.js";

const CONFLICT_KINDS = { decrease: "A running total went down", disagree: "Same-day reports disagree" };

function conflictNotes(series) {
  if (!series.conflicts || series.conflicts.length === 0) return null;
  return h("ul", { class: "conflicts", "aria-label": "Contradictions" }, series.conflicts.map((c) =>
    h("li", { class: "conflict-note" },
      h("strong", null, "⚠ ", CONFLICT_KINDS[c.kind] || c.kind, ": "), c.note, " — ",
      link(route("article", c.earlier.article_id, { start: c.earlier.start, end: c.earlier.end }), null, "earlier report"),
      ", ",
      link(route("article", c.later.article_id, { start: c.later.start, end: c.later.end }), null, "later report"))));
}

function pointsTable(series) {
  return h("table", { class: "points" },
    h("thead", null, h("tr", null, ["Reported", "Value", "Source", "Outlet", "Words"].map((t) => h("th", null, t)))),
    h("tbody", null, series.points.map((p) => h("tr", { class: p.conflict ? "conflict" : null },
      h("td", { class: "nowrap" }, formatDate(p.as_of, { short: true })),
      h("td", { class: "num" }, qualified(p.value, p.qualifier, series.unit), p.conflict ? " ⚠" : ""),
      h("td", null, p.source || "—"),
      h("td", null, p.outlet || "—"),
      h("td", null, link(route("article", p.article_id, { start: p.start, end: p.end }), null, `“${p.text}”`))))));
}

function seriesFacts(series) {
  const count = (values) => new Set(values.filter(Boolean)).size;
  const dates = series.points.map((p) => p.as_of).filter(Boolean).sort();
  return byline(plural(series.points.length, "report"),
    plural(count(series.points.map((p) => p.source)), "named source"),
    plural(count(series.points.map((p) => p.outlet)), "outlet"),
    dates.length ? dateRange(dates[0], dates[dates.length - 1]) : null);
}

// Chart width in SVG units: the window's width less the page's margins, so that labels keep their
// size on a phone instead of the whole drawing being scaled down.
const CHART_MIN_WIDTH = 300;
const CHART_MAX_WIDTH = 760;
const PAGE_MARGINS = 80;

function chartWidth() {
  return Math.max(CHART_MIN_WIDTH, Math.min(CHART_MAX_WIDTH, window.innerWidth - PAGE_MARGINS));
}

/** One series as a card: title (to its own page), facts, chart, conflicts, the reports. */
export function seriesCard(series, { open = false } = {}) {
  return h("article", { class: "series-card" + (series.conflicts && series.conflicts.length ? " has-conflict" : "") },
    h("h2", null, link(route("series", series.id), null, series.label)),
    h("p", { class: "meta" }, seriesFacts(series)),
    h("figure", { class: "chart-box" }, seriesChart(series, { width: chartWidth() }),
      h("figcaption", { class: "legend" },
        h("span", { class: "key key-dot" }, "report"), h("span", { class: "key key-whisker" }, "at least / more than (↑), up to (↓)"),
        h("span", { class: "key key-ring" }, "contradiction"))),
    conflictNotes(series),
    (() => {
      const details = h("details", { class: "reports" }, h("summary", null, "Reports, sources and outlets"), pointsTable(series));
      details.open = open;
      return details;
    })());
}

export function seriesListView(params) {
  const story = params.get("story") || "";
  const category = params.get("category") || "";
  const withSingles = params.get("min_points") === "1";
  const minPoints = withSingles ? 1 : 2; // a chart of one report says little; offered with the checkbox
  document.title = "Figures — storyline";
  const singles = h("input", { type: "checkbox", name: "singles" });
  singles.checked = withSingles;
  singles.addEventListener("change", () =>
    navigate(route("series", null, { story, category, min_points: singles.checked ? 1 : null })));
  const view = h("div", { class: "view series-view" },
    h("h1", null, "Figures over time"),
    h("div", { class: "filters" },
      h("label", null, "Story ", storyPicker(story, (value) =>
        navigate(route("series", null, { story: value, category, min_points: withSingles ? 1 : null })))),
      h("label", null, singles, " include figures reported once")),
    pagedList({
      fetchPage: (offset, limit) => get("series", { story, category, min_points: minPoints, offset, limit }),
      renderItem: (s) => seriesCard(s),
      listTag: "div", listClass: "series-list",
      emptyText: withSingles ? "No figure series." : "No figure reported twice; tick the box to see single reports.",
      noun: "series", nouns: "series",
    }));
  return view;
}

export function seriesView(id) {
  const view = h("div", { class: "view series-view" }, status("Loading…"));
  get(itemPath("series", id)).then((series) => {
    document.title = `${series.label} — storyline`;
    replace(view, h("p", { class: "crumbs" }, link(route("series"), null, "All figures")), seriesCard(series, { open: true }));
  }).catch((err) => replace(view, errorBox(err)));
  return view;
}
