// Shared pieces of the views: paged lists with a "More" button, status and error lines, the story
// picker, quote items.

import { get } from "./api.js";
import { h, link, route, byline, formatDate, formatNumber, plural } from "./dom.js";

export { byline };

export const PAGE_SIZE = 50; // items fetched per request; the API's default page size

/** A muted one-line status ("Loading…", "Nothing found."). */
export function status(text) {
  return h("p", { class: "status", role: "status" }, text);
}

/** A visible error message for a failed request. */
export function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, err && err.message ? err.message : String(err));
}

/**
 * A paged list: fetches the first page at once, appends each further page on "More".
 * fetchPage(offset, limit) resolves to {total, items}; renderItem(item) returns a Node.
 * Returns the wrapper element; opts.onFirstPage(page) runs after the first page is shown.
 */
export function pagedList({ fetchPage, renderItem, listTag = "ul", listClass = "list", emptyText = "Nothing here.",
  pageSize = PAGE_SIZE, onFirstPage = null, noun = "item", nouns = undefined }) {
  const list = h(listTag, { class: listClass });
  const note = status("Loading…");
  const more = h("button", { type: "button", class: "more", "data-testid": "more", hidden: true }, "More");
  const wrapper = h("div", { class: "paged" }, list, h("div", { class: "pager" }, note, more));
  let offset = 0;
  let total = 0;

  async function load() {
    more.disabled = true;
    note.textContent = "Loading…";
    try {
      const page = await fetchPage(offset, pageSize);
      const items = Array.isArray(page.items) ? page.items : [];
      total = Number.isInteger(page.total) ? page.total : offset + items.length;
      for (const item of items) list.append(renderItem(item));
      const first = offset === 0;
      offset += items.length;
      if (total === 0) {
        note.textContent = emptyText;
      } else {
        note.textContent = `Showing ${formatNumber(offset)} of ${plural(total, noun, nouns)}`;
      }
      more.hidden = offset >= total || items.length === 0;
      more.disabled = false;
      if (first && onFirstPage) onFirstPage(page);
    } catch (err) {
      note.replaceWith(errorBox(err));
    }
  }

  more.addEventListener("click", load);
  load();
  return wrapper;
}

let storiesPromise = null;

/** Every story (id, label, size, first, last, top_actors), fetched once per page load. */
export function allStories() {
  if (!storiesPromise) {
    storiesPromise = (async () => {
      const out = [];
      for (let offset = 0; ; ) {
        const page = await get("stories", { limit: 1000, offset });
        out.push(...page.items);
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
      return out;
    })();
    storiesPromise.catch(() => { storiesPromise = null; });
  }
  return storiesPromise;
}

/** A <select> of stories; onChange(storyId or "") when the reader picks one. */
export function storyPicker(selected, onChange, { allLabel = "All stories" } = {}) {
  const select = h("select", { name: "story", "aria-label": "Story" }, h("option", { value: "" }, allLabel));
  allStories().then((stories) => {
    for (const story of stories) {
      const option = h("option", { value: story.id }, `${story.label} (${story.size})`);
      if (story.id === selected) option.selected = true;
      select.append(option);
    }
  }).catch(() => {});
  select.addEventListener("change", () => onChange(select.value));
  return select;
}


/** A speaker element: a link to the actor page when the speaker is a known actor. */
export function speakerElement(quote) {
  const name = quote.speaker || "unattributed";
  const label = quote.anonymous ? `${name} (unnamed source)` : name;
  if (quote.actor !== null && quote.actor !== undefined && quote.actor !== "") {
    return link(route("actor", quote.actor), { class: "speaker", "data-testid": "quote-speaker" }, label);
  }
  return h("span", { class: "speaker unlinked", "data-testid": "quote-speaker" }, label);
}

/** One quote in a list: the quoted words (linking to their sentence), speaker, outlet, date, article. */
export function quoteItem(quote, { showSpeaker = true } = {}) {
  const target = route("article", quote.article_id, { start: quote.start, end: quote.end });
  return h("li", { class: "quote", "data-testid": "quote" },
    h("blockquote", null, link(target, { class: "quote-text" }, `“${quote.text}”`)),
    h("p", { class: "meta" },
      showSpeaker ? [speakerElement(quote), quote.cue ? ` ${quote.cue}` : "", " — "] : "",
      byline(quote.outlet, formatDate(quote.published)),
      quote.title ? [" · ", link(route("article", quote.article_id), { class: "article-title" }, quote.title)] : ""));
}
