// Search (#/search?q=&kind=articles|quotes&story=&since=&until=&outlet=): results with their
// snippets (segments from the API; hits in bold, built as text nodes) linking to the matched span.

import { get } from "./api.js";
import { h, link, route, formatDate } from "./dom.js";
import { pagedList, status, byline, storyPicker } from "./widgets.js";
import { navigate } from "./nav.js";

const KINDS = [["articles", "Articles"], ["quotes", "Quotes"]];

function snippet(segments) {
  return h("p", { class: "snippet" }, (Array.isArray(segments) ? segments : []).map((s) =>
    s.hit ? h("b", null, s.text) : document.createTextNode(String(s.text))));
}

function resultItem(r) {
  const target = Number.isInteger(r.start) && Number.isInteger(r.end)
    ? route("article", r.article_id, { start: r.start, end: r.end }) : route("article", r.article_id);
  return h("li", { class: "result", "data-testid": "search-result" },
    h("p", { class: "result-title" }, link(target, null, r.title || r.article_id)),
    h("p", { class: "meta" }, byline(r.kind === "quote" || r.kind === "quotes" ? "quote" : null,
      r.speaker ? `said by ${r.speaker}` : null, r.outlet, formatDate(r.published))),
    snippet(r.snippet));
}

/** The filter values of a search route. */
export function searchFilters(params) {
  const kind = params.get("kind");
  return {
    q: params.get("q") || "",
    kind: kind === "quotes" ? "quotes" : "articles",
    story: params.get("story") || "",
    since: params.get("since") || "",
    until: params.get("until") || "",
    outlet: params.get("outlet") || "",
  };
}

export function searchView(params, searchInput) {
  const f = searchFilters(params);
  searchInput.value = f.q;
  document.title = (f.q ? `Search: ${f.q}` : "Search") + " — storyline";
  const kind = h("select", { name: "kind", "aria-label": "Search in" }, KINDS.map(([value, label]) => {
    const option = h("option", { value }, label);
    option.selected = value === f.kind;
    return option;
  }));
  let story = f.story;
  const since = h("input", { type: "date", name: "since", value: f.since, "aria-label": "Published on or after" });
  const until = h("input", { type: "date", name: "until", value: f.until, "aria-label": "Published on or before" });
  const outlet = h("input", { type: "text", name: "outlet", value: f.outlet, placeholder: "Outlet", "aria-label": "Outlet" });
  const form = h("form", { class: "filters" },
    h("label", null, "In ", kind),
    h("label", null, "Story ", storyPicker(story, (value) => { story = value; form.requestSubmit(); })),
    h("label", null, "From ", since), h("label", null, "to ", until), outlet,
    h("button", { type: "submit" }, "Apply"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(route("search", null, { q: searchInput.value.trim(), kind: kind.value, story, since: since.value,
      until: until.value, outlet: outlet.value.trim() }));
  });
  kind.addEventListener("change", () => form.requestSubmit());
  const results = f.q
    ? pagedList({
      fetchPage: (offset, limit) => get("search", { ...f, offset, limit }),
      renderItem: resultItem, listClass: "results", emptyText: "No matches.", noun: "result",
    })
    : status("Type words in the search box above.");
  return h("div", { class: "view search-view" }, h("h1", null, f.q ? `Search: ${f.q}` : "Search"), form, results);
}
