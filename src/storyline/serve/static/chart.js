// A figure series drawn as inline SVG, built element by element (no markup strings).
//
// x: the report's as-of (publication) date; y: the value, from 0. Each point is an SVG <a> to the
// span of the article it was read from (data-testid="series-point") with a large transparent hit
// area, a <title> tooltip (qualifier, value, date, source, outlet, the figure's words) and a label
// with the qualifier in words. Open-ended qualifiers get a short whisker pointing the way the true
// value may lie; a point in a contradiction gets a red ring.

import { svg, svgLink, route, qualified, formatDate, byline } from "./dom.js";

const MARGIN = { top: 28, right: 24, bottom: 40, left: 64 }; // room for labels and axes (px)
const POINT_RADIUS = 5;
const HIT_RADIUS = 14; // clickable area around a point
const CONFLICT_RADIUS = 10; // the red ring
const WHISKER = 16; // length of the open-ended qualifier mark
const SAME_DAY_SPREAD = 14; // px between reports of the same day
const MAX_LABELLED_POINTS = 14; // beyond this, labels would collide; values stay in tooltips and the table
const DAY_MS = 86400000;

const UPWARD = new Set(["at least", "more than"]);
const DOWNWARD = new Set(["up to", "less than", "nearly"]);

function dayNumber(isoDate) {
  const t = Date.parse(isoDate + "T00:00:00Z");
  return Number.isNaN(t) ? null : Math.round(t / DAY_MS);
}

const COMPACT_FROM = 10000; // axis labels of charts reaching this high read "20K", "1.5M"

function tickLabel(value, max) {
  const options = max >= COMPACT_FROM ? { notation: "compact" } : { maximumFractionDigits: 1 };
  return new Intl.NumberFormat("en", options).format(value);
}

/** A round step for about `count` gridlines up to `max`: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(max, count = 4) {
  const raw = max > 0 ? max / count : 1;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

function shortDate(day) {
  const d = new Date(day * DAY_MS);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

const LABEL_CHAR_WIDTH = 7; // estimated px per character of a 12px bold label
const LABEL_HEIGHT = 14;
const LABEL_GAP = 9; // px between a point and its label

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Where a point's label goes: above right, below right, above left or below left of the point,
 * the first that stays inside the drawing and clears the labels already placed.
 */
function labelBox(p, text, placed, { width, height }) {
  const w = text.length * LABEL_CHAR_WIDTH;
  const h = LABEL_HEIGHT;
  const candidates = [
    { x: p.cx + LABEL_GAP, y: p.cy - LABEL_GAP - h, anchor: "start" },
    { x: p.cx + LABEL_GAP, y: p.cy + LABEL_GAP, anchor: "start" },
    { x: p.cx - LABEL_GAP - w, y: p.cy - LABEL_GAP - h, anchor: "end" },
    { x: p.cx - LABEL_GAP - w, y: p.cy + LABEL_GAP, anchor: "end" },
    { x: p.cx - LABEL_GAP - w, y: p.cy - h / 2, anchor: "end" },
  ].map((c) => ({ ...c, w, h }));
  const inside = (c) => c.x >= 0 && c.x + c.w <= width && c.y >= 0 && c.y + c.h <= height - MARGIN.bottom;
  return candidates.find((c) => inside(c) && !placed.some((b) => overlaps(b, c)))
    || candidates.find(inside) || candidates[0];
}

/** The tooltip text of a point. */
export function pointDescription(point, unit) {
  const lines = [
    `${qualified(point.value, point.qualifier, unit)} — reported ${formatDate(point.as_of)}`,
    byline(point.source ? `source: ${point.source}` : "no source named", point.outlet),
    point.text ? `“${point.text}”` : "",
  ];
  if (point.conflict) lines.push("⚠ contradicts another report (see the notes below the chart)");
  return lines.filter(Boolean).join("\n");
}

/** The <svg> chart of one series. width/height are viewBox units; the SVG scales to its container. */
export function seriesChart(series, { width = 720, height = 260 } = {}) {
  const dated = series.points
    .map((point, index) => ({ point, index, day: point.as_of ? dayNumber(point.as_of) : null }))
    .filter((p) => p.day !== null && typeof p.point.value === "number");
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": `${series.label}: ${dated.length} dated reports`,
    preserveAspectRatio: "xMidYMid meet",
  });
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  if (dated.length === 0) {
    chart.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis-label" },
      "No dated reports to draw"));
    return chart;
  }
  const days = dated.map((p) => p.day);
  let firstDay = Math.min(...days);
  let lastDay = Math.max(...days);
  if (firstDay === lastDay) {
    firstDay -= 1;
    lastDay += 1;
  }
  const yStep = niceStep(Math.max(...dated.map((p) => p.point.value)) * 1.08);
  const yMax = yStep * Math.max(1, Math.ceil((Math.max(...dated.map((p) => p.point.value)) * 1.08) / yStep));
  const x = (day) => MARGIN.left + ((day - firstDay) / (lastDay - firstDay)) * plotW;
  const y = (value) => MARGIN.top + plotH - (value / yMax) * plotH;

  // Axes and grid.
  const axes = svg("g", { class: "axes" });
  for (let i = 0; i * yStep <= yMax + 1e-9; i++) {
    const value = i * yStep;
    axes.append(
      svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(value), y2: y(value), class: i ? "grid" : "axis" }),
      svg("text", { x: MARGIN.left - 8, y: y(value) + 4, "text-anchor": "end", class: "axis-label" },
        tickLabel(value, yMax)));
  }
  const distinctDays = [...new Set(days)].sort((a, b) => a - b);
  const tickDays = distinctDays.length <= 8 ? distinctDays
    : Array.from({ length: 6 }, (_, i) => Math.round(firstDay + (i * (lastDay - firstDay)) / 5));
  for (const day of tickDays) {
    axes.append(
      svg("line", { x1: x(day), x2: x(day), y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 5, class: "axis" }),
      svg("text", { x: x(day), y: MARGIN.top + plotH + 20, "text-anchor": "middle", class: "axis-label" }, shortDate(day)));
  }
  chart.append(axes);

  // Spread reports of the same day side by side, in the series' order.
  const sameDay = new Map();
  for (const p of dated) {
    const group = sameDay.get(p.day) || [];
    group.push(p);
    sameDay.set(p.day, group);
  }
  for (const group of sameDay.values()) {
    group.forEach((p, i) => { p.cx = x(p.day) + (i - (group.length - 1) / 2) * SAME_DAY_SPREAD; });
  }
  for (const p of dated) p.cy = y(p.point.value);

  chart.append(svg("polyline", {
    class: "series-line", fill: "none",
    points: dated.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(" "),
  }));

  const labelled = dated.length <= MAX_LABELLED_POINTS;
  const placed = []; // label boxes already drawn, to keep labels apart
  for (const p of dated) {
    const { point } = p;
    const target = route("article", point.article_id, { start: point.start, end: point.end });
    const description = pointDescription(point, series.unit);
    const group = svgLink(target, {
      class: point.conflict ? "point conflict" : "point", "data-testid": "series-point",
      "aria-label": description.split("\n")[0], "data-value": point.value,
    }, svg("title", null, description));
    if (UPWARD.has(point.qualifier)) {
      group.append(svg("line", { x1: p.cx, x2: p.cx, y1: p.cy, y2: p.cy - WHISKER, class: "whisker" }));
    } else if (DOWNWARD.has(point.qualifier)) {
      group.append(svg("line", { x1: p.cx, x2: p.cx, y1: p.cy, y2: p.cy + WHISKER, class: "whisker" }));
    }
    group.append(svg("circle", { cx: p.cx, cy: p.cy, r: HIT_RADIUS, class: "hit" }));
    if (point.conflict) group.append(svg("circle", { cx: p.cx, cy: p.cy, r: CONFLICT_RADIUS, class: "ring" }));
    group.append(svg("circle", { cx: p.cx, cy: p.cy, r: POINT_RADIUS, class: point.qualifier === "approx" ? "dot approx" : "dot" }));
    chart.append(group);
    if (labelled) {
      const text = qualified(point.value, point.qualifier, series.unit);
      const box = labelBox(p, text, placed, { width, height });
      placed.push(box);
      chart.append(svg("text", {
        x: box.anchor === "end" ? box.x + box.w : box.x, y: box.y + box.h - 3, "text-anchor": box.anchor,
        class: point.conflict ? "point-label conflict" : "point-label", "aria-hidden": "true",
      }, text));
    }
  }
  return chart;
}
