// Actors (#/actors?q=&type=&story=) and one actor's page (#/actor/ID): names, aliases, roles with
// dates, the articles they appear in and their quotes.

import { get, itemPath } from "./api.js";
import { h, link, replace, route, dateRange, formatDate, formatNumber, plural } from "./dom.js";
import { pagedList, status, errorBox, byline, storyPicker, quoteItem } from "./widgets.js";
import { navigate } from "./nav.js";

// Entity types offered in the filter (the extractor's PERSON, ORG, LOC).
const ACTOR_TYPES = [["", "Any type"], ["PERSON", "People"], ["ORG", "Organisations"], ["LOC", "Places"]];

function rolesText(roles) {
  return (roles || []).map((r) => `${r.title} (${dateRange(r.first, r.last)})`).join("; ");
}

function aliasesText(aliases) {
  return (aliases || []).map(([name, count]) => `${name} (${count})`).join(", ");
}

// Column headings; each cell repeats its heading in data-label for the narrow-screen layout.
const ACTOR_COLUMNS = ["Name", "Type", "Mentions", "Articles", "Seen", "Also called", "Roles"];

function actorRow(actor) {
  const aliases = aliasesText(actor.aliases);
  const roles = rolesText(actor.roles);
  return h("tr", null,
    h("td", { class: "name" }, link(route("actor", actor.id), { class: "actor-link" }, actor.name)),
    h("td", { class: "type" }, h("span", { class: "badge type-" + String(actor.type).toLowerCase() }, actor.type)),
    h("td", { class: "num", "data-label": "Mentions" }, formatNumber(actor.mentions)),
    h("td", { class: "num", "data-label": "Articles" }, formatNumber(actor.articles)),
    h("td", { class: "seen", "data-label": "Seen" }, dateRange(actor.first, actor.last)),
    h("td", { class: aliases ? "aliases" : "aliases empty", "data-label": "Also called" }, aliases),
    h("td", { class: roles ? "roles" : "roles empty", "data-label": "Roles" }, roles));
}

export function actorsView(params) {
  const story = params.get("story") || "";
  const type = params.get("type") || "";
  const q = params.get("q") || "";
  document.title = "Actors — storyline";
  const nameInput = h("input", { type: "search", name: "q", value: q, placeholder: "Name contains…", "aria-label": "Name contains" });
  const typeSelect = h("select", { name: "type", "aria-label": "Type" },
    ACTOR_TYPES.map(([value, label]) => {
      const option = h("option", { value }, label);
      option.selected = value === type;
      return option;
    }));
  const form = h("form", { class: "filters", role: "search" },
    h("label", null, "Story ", storyPicker(story, (value) => navigate(route("actors", null, { story: value, type, q })))),
    nameInput, typeSelect, h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(route("actors", null, { story, type: typeSelect.value, q: nameInput.value.trim() }));
  });
  typeSelect.addEventListener("change", () => form.requestSubmit());
  const list = pagedList({
    fetchPage: (offset, limit) => get("actors", { story, type, q, offset, limit }),
    renderItem: actorRow, listTag: "tbody", listClass: "actor-rows", emptyText: "No actors match.", noun: "actor",
  });
  // The paged <tbody> goes inside a table with a header row.
  const tbody = list.querySelector("tbody");
  const table = h("table", { class: "actors" },
    h("thead", null, h("tr", null, ACTOR_COLUMNS.map((t) => h("th", null, t)))));
  tbody.replaceWith(h("div", { class: "table-scroll" }, table));
  table.append(tbody);
  return h("div", { class: "view actors-view" }, h("h1", null, "Actors"), form, list);
}

export function actorView(id) {
  const view = h("div", { class: "view actor-view" }, status("Loading…"));
  get(itemPath("actors", id)).then((actor) => {
    document.title = `${actor.name} — storyline`;
    const facts = h("dl", { class: "facts" },
      h("dt", null, "Type"), h("dd", null, actor.type),
      h("dt", null, "Mentions"), h("dd", null, `${formatNumber(actor.mentions)} in ${plural(actor.articles, "article")}`),
      h("dt", null, "Seen"), h("dd", null, dateRange(actor.first, actor.last)),
      h("dt", null, "Also called"), h("dd", null, aliasesText(actor.aliases) || "—"),
      h("dt", null, "Roles"), h("dd", null, actor.roles && actor.roles.length
        ? h("ul", { class: "roles" }, actor.roles.map((r) => h("li", null, h("strong", null, r.title), " ",
          dateRange(r.first, r.last), r.articles ? ` · ${plural(r.articles, "article")}` : "")))
        : "—"));
    const firstAppearances = { total: actor.appearances_total, items: actor.appearances || [] };
    const appearances = pagedList({
      fetchPage: (offset, limit) => offset === 0 && limit >= firstAppearances.items.length
        ? Promise.resolve(firstAppearances)
        : get(itemPath("actors", id), { offset, limit }).then((a) => ({ total: a.appearances_total, items: a.appearances })),
      renderItem: (a) => h("li", { class: "article-item" },
        link(route("article", a.article_id), null, a.title || a.article_id),
        h("p", { class: "meta" }, byline(a.outlet, formatDate(a.published), a.mentions ? plural(a.mentions, "mention") : null))),
      emptyText: "No appearances.", noun: "article",
    });
    const quotes = pagedList({
      fetchPage: (offset, limit) => get("quotes", { actor: id, offset, limit }),
      renderItem: (q) => quoteItem(q, { showSpeaker: false }),
      listClass: "quotes", emptyText: "No quotes attributed to this actor.", noun: "quote",
    });
    replace(view,
      h("p", { class: "crumbs" }, link(route("actors"), null, "All actors")),
      h("h1", { "data-testid": "actor-name" }, actor.name),
      facts,
      h("div", { class: "columns even" },
        h("section", null, h("h2", null, "Quotes ",
          link(route("quotes", null, { actor: id }), { class: "more-link" }, "(in the quote explorer)")), quotes),
        h("section", null, h("h2", null, "Appears in"), appearances)));
  }).catch((err) => replace(view, errorBox(err)));
  return view;
}
