// The article view (#/article/ID?start=N&end=M): the cleaned text with every extracted item
// highlighted (a legend toggles each kind), the requested span marked and scrolled into view, and
// the items listed below with links that focus their spans.

import { get, itemPath } from "./api.js";
import { h, link, replace, route, externalLink, qualified, formatDate, plural } from "./dom.js";
import { highlightedText } from "./highlight.js";
import { status, errorBox, byline } from "./widgets.js";

// The kinds of highlighted items, in legend order, with the legend's words.
const KINDS = [
  ["quote", "quote"], ["speaker", "speaker"], ["figure", "figure"], ["source", "figure source"],
  ["point", "series point"], ["date", "date"], ["entity", "entity"], ["event", "event sentence"],
];

const OPEN_LIST_MAX = 8; // item lists this short start unfolded
let cached = null; // the last article fetched: moving the focus within it needs no new request

async function fetchArticle(id) {
  if (cached && cached.id === id) return cached;
  const article = await get(itemPath("articles", id));
  cached = article;
  return article;
}

const list = (value) => (Array.isArray(value) ? value : []);

/** Every highlightable item of the article as {start, end, kind, label}. */
export function articleItems(a) {
  const items = [];
  for (const q of list(a.quotes)) {
    const who = q.speaker ? `${q.speaker}${q.anonymous ? " (unnamed source)" : ""}` : "unattributed";
    items.push({ start: q.start, end: q.end, kind: "quote", label: `Quote — ${who}${q.cue ? ` (${q.cue})` : ""}` });
    if (q.speaker_start !== null && q.speaker_end !== null) {
      items.push({ start: q.speaker_start, end: q.speaker_end, kind: "speaker", label: `Speaker: ${who}` });
    }
  }
  for (const f of list(a.figures)) {
    const what = qualified(f.value, f.qualifier, f.unit);
    items.push({ start: f.start, end: f.end, kind: "figure",
      label: `Figure: ${what} · ${f.category}${f.source ? ` · source: ${f.source}` : ""}` });
    if (f.source_start !== null && f.source_end !== null) {
      items.push({ start: f.source_start, end: f.source_end, kind: "source", label: `Source of “${f.text}”: ${f.source}` });
    }
  }
  for (const p of list(a.points)) {
    items.push({ start: p.start, end: p.end, kind: "point", label: `Series point: ${qualified(p.value, p.qualifier)}` });
  }
  for (const d of list(a.dates)) {
    items.push({ start: d.start, end: d.end, kind: "date", label: `Date: ${d.text} → ${d.value}` });
  }
  for (const e of list(a.entities)) {
    for (const m of list(e.mentions)) {
      if (Array.isArray(m) && m.length === 2) {
        items.push({ start: m[0], end: m[1], kind: "entity", label: `Entity: ${e.name} (${e.type})` });
      }
    }
  }
  for (const ev of list(a.events)) {
    items.push({ start: ev.start, end: ev.end, kind: "event", label: `Event on ${ev.date}` });
  }
  return items;
}

function parseFocus(params, length) {
  const start = Number(params.get("start"));
  const end = Number(params.get("end"));
  if (!params.has("start") || !params.has("end")) return { focus: null, problem: null };
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start >= end) {
    return { focus: null, problem: "The requested span is not in this article's text." };
  }
  return { focus: { start, end }, problem: null };
}

function focusLink(a, start, end, ...children) {
  return link(route("article", a.id, { start, end }), null, ...children);
}

function itemLists(a) {
  const sections = [];
  const section = (title, items, render) => {
    if (items.length === 0) return;
    const details = h("details", { class: "items" }, h("summary", null, `${title} (${items.length})`),
      h("ul", null, items.map((item) => h("li", null, render(item)))));
    details.open = items.length <= OPEN_LIST_MAX;
    sections.push(details);
  };
  section("Quotes", list(a.quotes), (q) => [
    focusLink(a, q.start, q.end, `“${q.text}”`), " — ",
    q.actor ? link(route("actor", q.actor), null, q.speaker) : (q.speaker || "unattributed"),
    q.anonymous ? " (unnamed source)" : ""]);
  section("Figures", list(a.figures), (f) => [
    focusLink(a, f.start, f.end, qualified(f.value, f.qualifier, f.unit)), ` · ${f.category}`,
    f.source ? ` · source: ${f.source}` : "", f.place ? ` · ${f.place}` : ""]);
  section("Series points", list(a.points), (p) => [
    focusLink(a, p.start, p.end, qualified(p.value, p.qualifier)), " · ",
    link(route("series", p.series), null, "series chart")]);
  section("Dates", list(a.dates), (d) => [focusLink(a, d.start, d.end, d.text), ` → ${d.value}`]);
  section("Entities", list(a.entities), (e) => {
    const first = list(e.mentions)[0];
    return [first ? focusLink(a, first[0], first[1], e.name) : e.name, ` (${e.type}) · ${plural(list(e.mentions).length, "mention")}`,
      e.actor ? [" · ", link(route("actor", e.actor), null, "actor page")] : ""];
  });
  section("Events", list(a.events), (ev) => [h("time", { datetime: ev.date }, formatDate(ev.date)), " ",
    focusLink(a, ev.start, ev.end, ev.text)]);
  return sections;
}

function header(a) {
  const original = externalLink(a.url, "original article");
  return h("header", { class: "article-head" },
    h("h1", null, a.title || "(untitled)"),
    h("p", { class: "meta" },
      byline(a.outlet, a.published ? formatDate(a.published) + (a.published_inferred ? " (date inferred)" : "") : "undated",
        a.author ? `by ${a.author}` : null, a.dateline)),
    h("p", { class: "meta" },
      original ? [original, " · "] : "",
      a.story ? [link(route("timeline", null, { story: a.story }), null, "story timeline"), " · "] : "",
      h("span", { class: "source", title: "Where the article was read from" }, a.source || "")),
    list(a.copies).filter((id) => id !== a.id).length
      ? h("p", { class: "meta" }, "Same story elsewhere: ",
        list(a.copies).filter((id) => id !== a.id).map((id, i) => [i ? ", " : "", link(route("article", id), null, `copy ${i + 1}`)]))
      : null);
}

export function articleView(id, params) {
  const view = h("div", { class: "view article-view" }, status("Loading…"));
  fetchArticle(id).then((a) => {
    document.title = `${a.title || "Article"} — storyline`;
    const text = typeof a.text === "string" ? a.text : "";
    const items = articleItems(a);
    const { focus, problem } = parseFocus(params, text.length);
    const hidden = new Set();
    const body = h("div", { class: "article-text", "data-testid": "article-text", lang: "en" });
    const render = () => {
      const { nodes, focusedElement } = highlightedText(text, items.filter((item) => !hidden.has(item.kind)), focus);
      replace(body, ...nodes);
      return focusedElement;
    };
    const legend = h("div", { class: "legend", role: "group", "aria-label": "Highlighted items (click to hide or show)" },
      KINDS.filter(([kind]) => items.some((item) => item.kind === kind)).map(([kind, words]) => {
        const count = items.filter((item) => item.kind === kind).length;
        const toggle = h("button", { type: "button", class: `key hl hl-${kind}`, "data-kind": kind,
          title: `Show or hide ${words} highlights` }, `${words} (${count})`);
        toggle.setAttribute("aria-pressed", "true");
        toggle.addEventListener("click", () => {
          if (hidden.has(kind)) hidden.delete(kind); else hidden.add(kind);
          toggle.setAttribute("aria-pressed", hidden.has(kind) ? "false" : "true");
          render();
        });
        return toggle;
      }));
    replace(view, header(a), legend,
      problem ? h("p", { class: "error", role: "alert" }, problem) : null,
      h("div", { class: "article-columns" }, body,
        h("section", { class: "item-lists", "aria-label": "Extracted items" }, h("h2", null, "Extracted"), itemLists(a))));
    const focused = render();
    if (focused) {
      requestAnimationFrame(() => {
        if (!focused.isConnected) return;
        focused.scrollIntoView({ block: "center" });
        focused.focus({ preventScroll: true });
      });
    }
  }).catch((err) => replace(view, errorBox(err)));
  return view;
}
