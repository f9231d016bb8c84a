// The quote explorer (#/quotes?speaker=NAME&actor=ID&story=ID): speakers by number of quotes, and
// the quotes of the chosen speaker (or all quotes), each linking to its sentence and speaker.

import { get } from "./api.js";
import { h, link, route, plural } from "./dom.js";
import { pagedList, byline, storyPicker, quoteItem } from "./widgets.js";
import { navigate } from "./nav.js";

function speakerItem(s, story, selected) {
  const name = s.speaker || "unattributed";
  const label = s.anonymous ? `${name} (unnamed)` : name;
  const counts = byline(plural(s.quotes, "quote"), plural(s.articles, "article"));
  const current = s.speaker !== null && s.speaker === selected;
  return h("li", { class: current ? "speaker-item selected" : "speaker-item" },
    s.speaker !== null && s.speaker !== undefined
      ? link(route("quotes", null, { speaker: s.speaker, story }), { "aria-current": current ? "true" : null }, label)
      : h("span", null, label),
    h("span", { class: "meta" }, " ", counts),
    s.actor ? [" ", link(route("actor", s.actor), { class: "actor-page", title: "Actor page" }, "→ actor")] : null);
}

export function quotesView(params) {
  const speaker = params.get("speaker");
  const actor = params.get("actor") || "";
  const story = params.get("story") || "";
  document.title = (speaker ? `Quotes: ${speaker}` : "Quotes") + " — storyline";
  const speakers = pagedList({
    fetchPage: (offset, limit) => get("speakers", { story, offset, limit }),
    renderItem: (s) => speakerItem(s, story, speaker),
    listClass: "speakers", emptyText: "No speakers.", noun: "speaker",
  });
  const heading = speaker ? `Quotes by ${speaker}` : actor ? "Quotes by one actor" : "All quotes";
  const quotes = pagedList({
    fetchPage: (offset, limit) => get("quotes", { speaker, actor, story, offset, limit }),
    renderItem: (q) => quoteItem(q),
    listClass: "quotes", emptyText: "No quotes.", noun: "quote",
  });
  return h("div", { class: "view quotes-view" },
    h("h1", null, "Quote explorer"),
    h("div", { class: "filters" },
      h("label", null, "Story ", storyPicker(story, (value) => navigate(route("quotes", null, { story: value, speaker }))))),
    h("div", { class: "columns" },
      h("section", { class: "side", "aria-label": "Speakers" }, h("h2", null, "Speakers"), speakers),
      h("section", { "aria-label": "Quotes" },
        h("h2", null, heading, speaker || actor ? [" ", link(route("quotes", null, { story }), { class: "clear" }, "(show all)")] : null),
        quotes)));
}
