// Highlighting overlapping spans in a text without ever breaking it.
//
// Items (quotes, speakers, figures, dates, entity mentions, series points, events) overlap and nest
// freely. The text is cut at every span boundary; each piece between two consecutive boundaries is
// covered by a fixed set of items and becomes one flat <span> carrying a class per kind. Pieces are
// never nested, so the concatenated text of the result is exactly the input text. The focused span
// (start..end) is also a boundary pair, and the pieces inside it are wrapped in one <mark>.

import { h } from "./dom.js";

/**
 * Clips and validates items: {start, end, kind, label} with integer offsets, 0 <= start < end <= length.
 * Invalid items are dropped (a bad offset from the server must not break the text).
 */
export function validItems(items, length) {
  const out = [];
  for (const item of items) {
    let { start, end } = item;
    if (!Number.isInteger(start) || !Number.isInteger(end)) continue;
    start = Math.max(0, start);
    end = Math.min(length, end);
    if (start >= end) continue;
    out.push({ ...item, start, end });
  }
  return out;
}

/**
 * The text cut into pieces: [{start, end, items: [...covering items], focused: bool}], in order,
 * covering 0..length exactly once. focus is {start, end} or null.
 */
export function pieces(length, items, focus) {
  const cuts = new Set([0, length]);
  for (const item of items) {
    cuts.add(item.start);
    cuts.add(item.end);
  }
  if (focus) {
    cuts.add(focus.start);
    cuts.add(focus.end);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const byStart = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const out = [];
  let next = 0;
  let active = [];
  for (let i = 0; i < bounds.length - 1; i++) {
    const start = bounds[i];
    const end = bounds[i + 1];
    active = active.filter((item) => item.end > start);
    while (next < byStart.length && byStart[next].start <= start) {
      if (byStart[next].end > start) active.push(byStart[next]);
      next++;
    }
    const focused = Boolean(focus) && start >= focus.start && end <= focus.end;
    out.push({ start, end, items: active.slice(), focused });
  }
  return out;
}

/**
 * The text as DOM nodes: plain text nodes and <span class="hl hl-kind ..." title="..."> pieces; the
 * focused pieces inside one <mark data-testid="focused-span">. Returns {nodes, focusedElement}.
 */
export function highlightedText(text, items, focus) {
  const valid = validItems(items, text.length);
  const nodes = [];
  let focusedElement = null;
  for (const piece of pieces(text.length, valid, focus)) {
    const content = text.slice(piece.start, piece.end);
    let node;
    if (piece.items.length === 0) {
      node = document.createTextNode(content);
    } else {
      const kinds = [...new Set(piece.items.map((item) => item.kind))];
      node = h("span", {
        class: ["hl", ...kinds.map((kind) => "hl-" + kind)].join(" "),
        title: piece.items.map((item) => item.label).join("\n"),
      }, content);
    }
    if (piece.focused) {
      if (!focusedElement) {
        focusedElement = h("mark", { class: "focused", "data-testid": "focused-span", tabindex: "-1" });
        nodes.push(focusedElement);
      }
      focusedElement.append(node);
    } else {
      nodes.push(node);
    }
  }
  return { nodes, focusedElement };
}
