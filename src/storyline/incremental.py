"""Incremental cross-article resolution over a store: what :func:`storyline.api.refresh` runs.

Every saved article is marked pending (with what it was when last resolved); a refresh resolves
the pending articles in one write transaction, so a kill at any moment leaves the previous
resolution and the pending marks, and the next refresh finishes the job. The result equals a
resolution from scratch (``refresh(store, full=True)``, which clears everything and makes every
article pending), because each step is either a function of a set updated by exact deltas or a
replay in canonical order.

Two phases. Duplicates, actors and series (steps 1, 3, 4) cost the same whatever order articles
arrive in; the story replay (step 2) does not: after a part of articles dated all over the calendar
it redoes every article after the oldest. So pending articles are queued for their stories
(``story_pending``, keeping the day an article had when last placed) and ``refresh(stories=False)``
resolves only steps 1, 3 and 4; a full refresh replays the stories of everything queued (after
step 1, before 3 and 4, so new articles' entities are counted straight into their stories).
``refresh(stories=False)`` is for long runs: ``ingest --resolve-every N`` runs it every N
articles, so readers see actors and series as a run goes, and replays the stories once at the end. Counts of entities per
story follow either order: an article's forms are added to its story when it has one, and moved
with the article when the replay places it.

1. *Duplicates.* A pending article looks its candidate copies up by its stored LSH band keys and
   joins their groups (connected components over pairs at or above the similarity threshold); a
   group an updated article belonged to is re-split from its members' own candidate pairs. Group
   id: the smallest member id. Cost: the article's band lookups and candidates, plus the members
   of the groups it touches.
2. *Stories.* The story tracker's state is kept in the store (:class:`TrackerTables`) and loaded
   piecemeal; each processed article left an undo journal. A refresh rolls back to the earliest
   changed place (a pending article's new or old place in the canonical order: day, id), then
   processes every article from there in order. Articles arriving in date order cost only their
   own processing; an article dated before already-processed ones costs the undoing and redoing
   of every article after it. Then the stories of the articles whose story changed (and of the
   members of merged stories) are updated, with the per-story entity counts.
3. *Actors.* Entities fold into forms (type, normalised name); forms resolve within buckets
   (:func:`~storyline.resolve.actors.actor_key`). Only the buckets holding a pending article's
   entities (now or before) are resolved again, from their stored forms plus the new articles'
   (a form an updated article left is folded again from its entity rows). Actor ids are the
   slug of the canonical name, with ``~2``, ``~3`` ... for later holders of a slug (by bucket and
   form), so they are a function of the set of articles; an id that disappears redirects to the
   actor that took its first form.
4. *Series.* Figure series are built per family key; the families of pending articles' points
   (now or before) and of articles whose duplicate group changed are built again and stored.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import defaultdict
from typing import Any, Callable, Iterable

from .model import Entity, Span
from .resolve.actors import Actor, Form, entity_form, fold_entities, form_key, merge_forms, resolve_bucket
from .resolve.duplicates import THRESHOLD, candidate_pairs, id_key, similarity
from .resolve.series import Point, Series, build_series
from .resolve.stories import StoryItem, StoryTracker, TrackerState
from .store import Store
from .store import resolution as R

log = logging.getLogger(__name__)

TOP_ACTORS = 5  # people and organisations listed per story
FLUSH_EVERY = 2000  # processed articles between hand-overs of tracker changes to the store (memory)
# Pending articles whose entities are folded into actors (and whose entity counts move between
# stories) at a time: bounds the memory of a refresh after a large ingest (100k articles at once
# held 2.7M entities: 3.6 GB) at the price of resolving a bucket once per part that touches it.
# Parts give what one pass gives, as refreshing after each batch of saves does.
PART = 10_000


def refresh(store: Store, *, full: bool = False, stories: bool = True) -> dict[str, Any]:
    """Resolves the pending articles (everything, from scratch, with ``full``); returns counts and
    seconds per step.

    Two phases, each a function of the set of articles resolved: duplicates, actors and series of
    the pending articles, which then wait for their stories; and the story replay of all waiting
    articles. ``stories=False`` runs the first phase only: a long ingest may call it as it goes (its
    cost does not depend on the order articles arrive in) and replay the stories once at the end,
    where replaying after each part would redo every article dated after the oldest new one.
    """
    with store.transaction() as c:
        if full or R.get_meta(c, "rebuild", False):
            R.reset(c)
        pend = R.pending(c)
        out: dict[str, Any] = {"resolved": len(pend), "seconds": {}}
        run = _Run(c, pend)
        seconds = out["seconds"]
        if pend:
            run.timed("duplicates", run.duplicates, seconds)
            R.defer_stories(c)
        if stories:
            # before the actors when both run: the new articles' entities are then counted in their
            # stories once, instead of counted nowhere and moved in by the replay (~10% of a refresh)
            waiting = R.story_pending(c)
            if waiting:
                run.timed("stories", lambda: run.stories(waiting), seconds)
                R.clear_story_pending(c)
            out["replayed"] = run.replayed
        if pend:
            run.timed("actors", run.actors, seconds)
            run.timed("series", run.series, seconds)
            R.clear_pending(c)
            R.set_meta(c, "rebuild", False)
        out["stories"] = c.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
        out["duplicate_groups"] = c.execute("SELECT COUNT(DISTINCT group_id) FROM duplicate_of").fetchone()[0]
        out["actors"] = c.execute("SELECT COUNT(*) FROM actors").fetchone()[0]
    return out


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, x: str) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: str) -> str:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb), key=id_key)
            self.parent[hi] = lo


class _Run:
    """One refresh: the pending articles and what each step changed for the next ones."""

    def __init__(self, c: sqlite3.Connection, pend: list[R.Pending]) -> None:
        self.c = c
        self.pend = pend
        self.ids = [p.article_id for p in pend]
        self.regrouped: set[str] = set()  # articles whose duplicate group changed
        self.stories_changed: set[str] = set()  # stories whose entity counts changed
        self.replayed = 0
        self.redirects = c.execute("SELECT 1 FROM actor_redirects LIMIT 1").fetchone() is not None

    @staticmethod
    def timed(name: str, step: Callable[[], None], seconds: dict[str, float]) -> None:
        t = time.perf_counter()
        step()
        seconds[name] = round(time.perf_counter() - t, 4)

    # -- duplicates ---------------------------------------------------------------------------

    def duplicates(self) -> None:
        c, uf = self.c, _UnionFind()
        pending = set(self.ids)
        # groups an updated article belonged to: split again from their other members' own pairs
        old = sorted({p.old_group for p in self.pend if p.old_group})
        loaded: set[str] = set()
        for gid in old:
            members = [m for m in R.group_members(c, gid) if m not in pending]
            loaded.add(gid)
            sigs = R.signatures(c, members)
            for m in members:
                uf.add(m)
            for a, b in candidate_pairs(sorted(sigs.items())):
                if similarity(sigs[a], sigs[b]) >= THRESHOLD:
                    uf.union(a, b)
        stored = R.groups_of(c, pending)
        for aid in self.ids:
            uf.add(aid)
            cands = R.band_candidates(c, aid)
            if not cands:
                continue
            sigs = R.signatures(c, [aid, *cands])
            mine = sigs.get(aid)
            if mine is None:
                continue
            for cand in cands:
                if cand in sigs and similarity(mine, sigs[cand]) >= THRESHOLD:
                    uf.union(aid, cand)
                    gid = stored.get(cand) if cand in pending else R.groups_of(c, [cand]).get(cand)
                    if gid is not None and gid not in loaded and cand not in pending:
                        loaded.add(gid)  # an untouched group is one component: it joins whole
                        for m in R.group_members(c, gid):
                            if m not in pending:
                                uf.union(cand, m)
        components: dict[str, list[str]] = defaultdict(list)
        for x in uf.parent:
            components[uf.find(x)].append(x)
        new = {}
        for members in components.values():
            gid = min(members, key=id_key) if len(members) > 1 else None
            for m in members:
                new[m] = gid
        before = R.groups_of(c, new)
        changes = {a: g for a, g in new.items() if before.get(a) != g}
        R.write_groups(c, changes)
        self.regrouped = set(changes)

    # -- stories ------------------------------------------------------------------------------

    def stories(self, waiting: list[tuple[str, str | None]]) -> None:
        """The second phase: replays the story order from the earliest place a waiting article
        has now or had when last placed, and moves the articles whose story changed."""
        c = self.c
        days = R.story_days(c, [a for a, _ in waiting])
        starts = [(d, a) for a, d in days.items()]
        starts += [(old_day, a) for a, old_day in waiting if old_day is not None]
        if not starts:
            return
        start = min(starts)
        state = TrackerState(R.TrackerTables(c))
        tracker = StoryTracker(state)
        if state.head is not None and start <= state.head:
            state.rollback(start)
        for aid, published, features in R.story_items_from(c, start):
            tracker.process(StoryItem(aid, published, json.loads(features)))
            self.replayed += 1
            if self.replayed % FLUSH_EVERY == 0:
                state.flush()
        state.flush()
        self._move_articles(state)
        R.update_top_actors(c, self.stories_changed, TOP_ACTORS)
        self.stories_changed.clear()

    def _move_articles(self, state: TrackerState) -> None:
        """Stores the new story of every article whose story may have changed, and moves its
        entity counts: articles processed or rolled back, and members of stories whose absorbing
        story changed (and of the stories merged into those)."""
        c = self.c
        closure: set[str] = set()
        todo = sorted(state.touched_merges)
        while todo:
            sid = todo.pop()
            if sid not in closure:
                closure.add(sid)
                todo.extend(R.merged_children(c, sid))
        affected = state.touched_articles | R.articles_joining(c, closure)
        stored = R.story_rows(c, affected)
        rows: dict[str, tuple[str, str] | None] = {}
        moves: list[tuple[str, str | None, str | None]] = []
        for aid in sorted(affected):
            old_root, old_direct = stored.get(aid, (None, None))
            direct = state.direct(aid) if aid in state.touched_articles else old_direct
            root = state.root(direct) if direct is not None else None
            if (root, direct) != (old_root, old_direct):
                rows[aid] = (root, direct) if direct is not None else None
            if root != old_root:
                moves.append((aid, old_root, root))
        R.write_story_of(c, rows)
        del rows, stored
        for part in R.chunks(moves, PART):  # the counts of a part's articles move at once
            forms = R.article_forms(c, [a for a, _, _ in part])
            delta: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
            for aid, old_root, root in part:
                for (typ, norm), (n, m) in forms.get(aid, {}).items():
                    if old_root is not None:
                        d = delta[(old_root, typ, norm)]
                        d[0] -= n
                        d[1] -= m
                    if root is not None:
                        d = delta[(root, typ, norm)]
                        d[0] += n
                        d[1] += m
            R.apply_story_forms(c, delta)
            self.stories_changed |= {s for s, _, _ in delta}
        self.stories_changed |= {r for _, _, r in moves if r is not None}

    # -- actors -------------------------------------------------------------------------------

    def actors(self) -> None:
        by_id = {p.article_id: p for p in self.pend}
        for part in R.chunks(self.ids, PART):
            self._actors_of([by_id[a] for a in part])
        R.update_top_actors(self.c, self.stories_changed, TOP_ACTORS)
        self.stories_changed.clear()

    def _actors_of(self, pend: list[R.Pending]) -> None:
        """Folds the entities of some pending articles into actors and counts them in their stories."""
        c = self.c
        ids = [p.article_id for p in pend]
        triples, entity_forms = [], []
        names: dict[tuple[str, int], str] = {}
        for r in R.entity_rows(c, ids):
            e = _entity(r)
            names[(r["article_id"], r["idx"])] = r["name"]
            typ, norm = entity_form(e)
            if norm:
                triples.append((r["article_id"], r["published"], e))
                entity_forms.append((r["article_id"], r["idx"], typ, norm, len(e.mentions), r["published"]))
        added: dict[str, list[Form]] = defaultdict(list)
        for f in fold_entities(triples):
            added[f.key].append(f)
        del triples
        refold = {(t, n) for p in pend for t, n in p.old_forms}
        keys = set(added) | {form_key(t, n) for t, n in refold}
        changed_forms: set[tuple[str, str]] = set()
        for key in sorted(keys):
            changed_forms |= self._resolve_bucket(key, added.get(key, []), refold)
        R.insert_entity_forms(c, entity_forms)
        R.insert_quote_forms(c, self._quote_forms(ids, entity_forms, names))
        # the new articles' entities count in their stories
        roots = R.story_rows(c, ids)
        delta: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for aid, _, typ, norm, mentions, _ in entity_forms:
            root = roots.get(aid, (None, None))[0]
            if root is not None:
                d = delta[(root, typ, norm)]
                d[0] += 1
                d[1] += mentions
        R.apply_story_forms(c, delta)
        self.stories_changed |= {s for s, _, _ in delta}
        self.stories_changed |= R.stories_with_forms(c, changed_forms)

    def _resolve_bucket(self, key: str, added: list[Form], refold: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Resolves one bucket again and writes what changed; returns the forms whose actor (id or
        name) changed."""
        c = self.c
        stored = R.bucket_forms(c, key)
        forms: list[Form] = []
        for (typ, norm), (_, raw) in sorted(stored.items()):
            if (typ, norm) in refold:  # one of its articles changed: fold it again from its entities
                forms.extend(fold_entities((r["article_id"], r["published"], _entity(r))
                                           for r in R.form_entity_rows(c, typ, norm)))
            else:
                forms.append(Form.from_json(json.loads(raw)))
        actors = resolve_bucket(merge_forms(forms + added))
        old_actors = R.bucket_actors(c, key)
        ids, renames = self._actor_ids(key, actors)
        records = {aid: _actor_record(actor, aid) for actor, aid in zip(actors, ids)}
        stale = [a for a, row in old_actors.items() if a not in records or dict(row) != records[a]]
        R.delete_actors(c, stale)
        R.rename_actors(c, renames)
        R.insert_actors(c, [r for a, r in records.items() if a not in old_actors or a in stale])
        touched = {(f.type, f.norm) for f in added} | refold  # the forms whose content may have changed
        new_forms = {(f.type, f.norm): (aid, R.form_json(f.to_json()) if (f.type, f.norm) in touched
                                        else stored[(f.type, f.norm)][1])
                     for actor, aid in zip(actors, ids) for f in actor.forms}
        R.delete_forms(c, [f for f in stored if f not in new_forms])
        R.upsert_forms(c, key, [(t, n, a, raw) for (t, n), (a, raw) in new_forms.items() if stored.get((t, n)) != (a, raw)])
        changed = {f for f, (a, _) in stored.items() if new_forms.get(f, (None,))[0] != a}
        changed |= set(new_forms) - set(stored)
        renamed = {a for a, row in old_actors.items() if a in records and records[a]["name"] != row["name"]}
        changed |= {f for f, (a, _) in new_forms.items() if a in renamed}
        for old_id in sorted(set(old_actors) - set(records)):  # an id that went redirects to its first form's actor
            first = min((f for f, (a, _) in stored.items() if a == old_id), default=None)
            if first is not None and first in new_forms:
                R.redirect(c, old_id, new_forms[first][0])
                self.redirects = True
        if self.redirects:
            for aid in [*records, *renames.values()]:
                R.forget_redirect(c, aid)
        return changed

    def _actor_ids(self, key: str, actors: list[Actor]) -> tuple[list[str], dict[str, str]]:
        """Final ids of a bucket's actors: the slug, or ``slug~n`` for the n-th holder of a slug in
        (bucket, first form) order; and the renames this forces on holders in other buckets."""
        ids: list[str] = [""] * len(actors)
        renames: dict[str, str] = {}
        by_slug: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(actors):
            by_slug[a.id].append(i)
        others = R.slug_holders(self.c, list(by_slug), key)
        for slug, mine in sorted(by_slug.items()):
            holders = [((key, actors[i].forms[0].norm), ("", i)) for i in mine]
            holders += [((r["key"], r["norm"]), (r["id"], -1)) for r in others.get(slug, ())]
            for rank, (_, (other, i)) in enumerate(sorted(holders)):
                final = slug if rank == 0 else f"{slug}~{rank + 1}"
                if not other:
                    ids[i] = final
                elif other != final:
                    renames[other] = final
        return ids, renames

    def _quote_forms(self, ids: list[str], entity_forms: list[tuple[str, int, str, str, int, str | None]],
                     names: dict[tuple[str, int], str]) -> list[tuple[str, int, str, str]]:
        """The form of each quote's speaker in ``ids``: the article's entity of that name, else the
        speaker's name normalised as its type (PERSON when unknown)."""
        c = self.c
        by_name: dict[tuple[str, str], tuple[str, str]] = {}
        for aid, idx, typ, norm, _, _ in entity_forms:
            by_name.setdefault((aid, names[(aid, idx)]), (typ, norm))
        out = []
        for q in R.quote_rows(c, ids):
            if q["anonymous"]:
                continue
            form = by_name.get((q["article_id"], q["speaker"]))
            if form is None:
                form = entity_form(Entity(name=q["speaker"], type=q["speaker_type"] or "PERSON", mentions=()))
            if form[1]:
                out.append((q["article_id"], q["idx"], form[0], form[1]))
        return out

    # -- series -------------------------------------------------------------------------------

    def series(self) -> None:
        c = self.c
        keys = R.point_keys(c, self.ids) | {k for p in self.pend for k in p.old_keys}
        keys |= R.point_keys(c, self.regrouped)
        for key in sorted(keys):
            store_family(c, key)


def _entity(r: sqlite3.Row) -> Entity:
    return Entity(name=r["name"], type=r["type"], mentions=tuple(Span(s, t) for s, t in json.loads(r["mentions"])),
                  aliases=tuple(json.loads(r["aliases"])), roles=tuple(json.loads(r["roles"])))


def _actor_record(actor: Actor, actor_id: str) -> dict[str, Any]:
    return {"id": actor_id, "key": actor.key, "slug": actor.id, "norm": actor.forms[0].norm, "name": actor.name,
            "type": actor.type, "mentions": actor.mentions, "articles": len(actor.articles), "first": actor.first,
            "last": actor.last, "aliases": json.dumps([list(a) for a in actor.aliases], ensure_ascii=False),
            "roles": json.dumps([[r.title, r.first, r.last, r.articles] for r in actor.roles], ensure_ascii=False)}


# ---------------------------------------------------------------------------------------------
# Series of one family


def point_of(r: sqlite3.Row) -> Point:
    return Point(key=r["key"], category=r["category"], place=r["place"], unit=r["unit"], scope=r["scope"],
                 anchor=r["anchor"], value=r["value"], qualifier=r["qualifier"], as_of=r["as_of"], source=r["source"],
                 outlet=r["outlet"], article_id=r["article_id"], span=Span(r["start"], r["end"]), text=r["text"])


def family_series(rows: Iterable[sqlite3.Row]) -> tuple[tuple[Series, ...], dict[Point, tuple[str, int]],
                                                        list[tuple[tuple[str, int], Point]]]:
    """Series of one family's point rows (with ``group_id``): copies of one wire story count once,
    the earliest copy's point. Returns the series, each kept point's (article, idx), and the
    skipped copies with the point that stands for them."""
    refs: dict[Point, tuple[str, int]] = {}
    marked: list[tuple[Point, str | None]] = []
    for r in rows:
        p = point_of(r)
        refs.setdefault(p, (r["article_id"], r["idx"]))
        marked.append((p, r["group_id"]))
    seen: dict[tuple, Point] = {}
    unique: list[Point] = []
    copies: list[tuple[tuple[str, int], Point]] = []
    for p, group in sorted(marked, key=lambda pg: (pg[0].as_of or "", pg[0].article_id, pg[0].span.start,
                                                   pg[0].span.end, pg[0].text)):
        mark = (group, p.key, p.value, p.qualifier) if group else None
        if mark is not None and mark in seen:
            copies.append((refs[p], seen[mark]))
            continue
        if mark is not None:
            seen[mark] = p
        unique.append(p)
    return build_series(unique), refs, copies


def store_family(c: sqlite3.Connection, key: str) -> None:
    """Builds one family's series from its stored points and stores them."""
    series, refs, copies = family_series(R.family_points(c, key))
    records, members = [], []
    series_of: dict[Point, str] = {}
    for s in series:
        for p in s.points:
            series_of[p] = s.id
            members.append((*refs[p], s.id))
        data = {"points": [list(refs[p]) for p in s.points],
                "conflicts": [[x.kind, x.note, list(refs[x.earlier]), list(refs[x.later])] for x in s.conflicts]}
        days = [p.as_of for p in s.points if p.as_of]
        records.append({"id": s.id, "key": s.key, "label": s.label, "category": s.category, "place": s.place,
                        "unit": s.unit, "scope": s.scope, "anchor": s.anchor, "points": len(s.points),
                        "conflicts": len(s.conflicts), "first": min(days, default=None), "last": max(days, default=None),
                        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))})
    for ref, kept in copies:
        if kept in series_of:
            members.append((*ref, series_of[kept]))
    R.replace_family(c, key, records, members)
