// Stories and the timeline of one story (#/ and #/timeline?story=ID).

import { get } from "./api.js";
import { h, link, replace, route, dateRange, formatDate, plural } from "./dom.js";
import { allStories, pagedList, status, errorBox, byline } from "./widgets.js";

function storyCard(story, selected) {
  const range = dateRange(story.first, story.last);
  return h("li", { class: story.id === selected ? "story selected" : "story" },
    link(route("timeline", null, { story: story.id }), { class: "story-label",
      "aria-current": story.id === selected ? "true" : null }, story.label || story.id),
    h("p", { class: "meta" }, byline(plural(story.size, "article"), range)),
    story.top_actors && story.top_actors.length
      ? h("p", { class: "meta actors" }, story.top_actors.join(", ")) : null);
}

/** An actor's name as a link: to the actor page when the name is a known actor, else to a name search. */
function actorLink(name, actorIds) {
  const id = actorIds.get(name);
  return id ? link(route("actor", id), null, name) : link(route("actors", null, { q: name }), null, name);
}

/** One timeline entry: day, summary sentence (to its span), actors, the reports that support it. */
function timelineEvent(event, titles, actorIds) {
  const supporting = Array.isArray(event.supporting) ? event.supporting : [];
  const details = h("details", { class: "supporting" },
    h("summary", null, plural(supporting.length, "supporting report")),
    h("ul", null, supporting.map((s) => {
      const info = titles.get(s.article_id);
      const label = info ? byline(info.outlet, info.title) : `article ${s.article_id}`;
      return h("li", null, link(route("article", s.article_id, { start: s.start, end: s.end }), null, label));
    })));
  return h("li", { class: "event", "data-testid": "timeline-event" },
    h("time", { datetime: event.date }, formatDate(event.date)),
    h("div", { class: "event-body" },
      h("p", { class: "summary" },
        link(route("article", event.article_id, { start: event.start, end: event.end }), null, event.summary)),
      event.actors && event.actors.length
        ? h("p", { class: "meta actors" }, "Actors: ",
          event.actors.map((name, i) => [i ? ", " : "", actorLink(name, actorIds)]))
        : null,
      supporting.length ? details : null));
}

const LOOKUP_LIMIT = 1000; // one page of articles/actors to label a timeline; beyond it, labels fall back

/** Titles and outlets of a story's articles, to label supporting reports. */
async function articleTitles(story) {
  const titles = new Map();
  const page = await get("articles", { story, limit: LOOKUP_LIMIT });
  for (const a of page.items) titles.set(a.id, a);
  return titles;
}

/** Actor ids by name and alias in a story, to link the actors of timeline events. */
async function actorIdsByName(story) {
  const ids = new Map();
  const page = await get("actors", { story, limit: LOOKUP_LIMIT });
  for (const a of page.items) {
    for (const [alias] of a.aliases || []) if (!ids.has(alias)) ids.set(alias, a.id);
  }
  for (const a of page.items) ids.set(a.name, a.id);
  return ids;
}

export function timelineView(params) {
  const main = h("div", { class: "view timeline-view" });
  const storiesBox = h("section", { class: "stories", "aria-label": "Stories" }, h("h2", null, "Stories"), status("Loading…"));
  const timelineBox = h("section", { class: "timeline", "aria-label": "Timeline" });
  const articlesBox = h("section", { class: "articles", "aria-label": "Articles" });
  main.append(h("div", { class: "columns" }, h("div", { class: "side" }, storiesBox, articlesBox), timelineBox));

  allStories().then(async (stories) => {
    const selected = params.get("story") || (stories[0] && stories[0].id) || "";
    replace(storiesBox, h("h2", null, "Stories"),
      stories.length ? h("ul", { class: "story-list" }, stories.map((s) => storyCard(s, selected)))
        : status("No stories yet: ingest some articles."));
    const story = stories.find((s) => s.id === selected);
    if (params.get("story") && !story) {
      replace(timelineBox, errorBox(new Error("No such story.")));
      return;
    }
    const heading = story ? story.label : "All articles";
    document.title = `${heading} — storyline`;
    const [titles, actorIds] = await Promise.all([
      articleTitles(selected || null).catch(() => new Map()),
      actorIdsByName(selected || null).catch(() => new Map()),
    ]);
    replace(timelineBox,
      h("h1", null, "Timeline: ", heading),
      h("p", { class: "view-links" },
        link(route("series", null, { story: selected }), null, "Figures"), " · ",
        link(route("actors", null, { story: selected }), null, "Actors"), " · ",
        link(route("quotes", null, { story: selected }), null, "Quotes")),
      pagedList({
        fetchPage: (offset, limit) => get("timeline", { story: selected, offset, limit }),
        renderItem: (event) => timelineEvent(event, titles, actorIds),
        listTag: "ol", listClass: "events", emptyText: "No dated events in this story.", noun: "event",
      }));
    replace(articlesBox, h("h2", null, "Articles"),
      pagedList({
        fetchPage: (offset, limit) => get("articles", { story: selected, offset, limit }),
        renderItem: (a) => h("li", { class: "article-item" },
          link(route("article", a.id), null, a.title || a.source || a.id),
          h("p", { class: "meta" }, byline(a.outlet, formatDate(a.published)))),
        emptyText: "No articles.", noun: "article",
      }));
  }).catch((err) => replace(storiesBox, h("h2", null, "Stories"), errorBox(err)));
  return main;
}
