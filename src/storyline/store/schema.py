"""The SQLite schema. ``PRAGMA user_version`` records its version; older ones are migrated in place,
a newer one is refused.

Version 2 keeps the results of cross-article resolution and the state that lets it continue
incrementally (see :mod:`storyline.incremental`): the story tracker's state (``stories``,
``story_terms``, ``story_df``, ``story_merged``, ``story_journal``), actor forms and actors with
the form of every entity and quote speaker, materialised figure series, per-story actor counts,
and ``resolve_pending``: the articles saved since the last resolution.
"""

SCHEMA_VERSION = 3

# The canonical order of articles for the story tracker: publication day ("~" when undated: after
# every date, as storyline.resolve.stories.UNDATED), then id. Queries that walk articles in that
# order use exactly this expression, so the index serves them.
ORDER_DAY = "COALESCE(substr(published, 1, 10), '~')"

# SCHEMA is version 1 exactly as released (a test builds a version-1 database from it); later
# versions add to it below.
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    title TEXT,
    published TEXT,
    published_inferred INTEGER NOT NULL DEFAULT 0,
    outlet TEXT,
    author TEXT,
    url TEXT,
    language TEXT,
    dateline TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    removed TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);

-- every source an article was read from (a copy of the same text under another name is an alias)
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS quotes (
    qid INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,
    anonymous INTEGER NOT NULL DEFAULT 0,
    speaker_start INTEGER,
    speaker_end INTEGER,
    cue TEXT,
    speaker_type TEXT,
    extractor TEXT,
    confidence REAL,
    UNIQUE (article_id, idx)
);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);

CREATE TABLE IF NOT EXISTS figures (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL NOT NULL,
    category TEXT NOT NULL,
    qualifier TEXT,
    unit TEXT,
    source TEXT,
    source_start INTEGER,
    source_end INTEGER,
    place TEXT,
    extractor TEXT,
    confidence REAL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS figures_category ON figures(category);

CREATE TABLE IF NOT EXISTS dates (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT NOT NULL,
    extractor TEXT,
    confidence REAL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS dates_value ON dates(value);

CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    mentions TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    roles TEXT NOT NULL DEFAULT '[]',
    extractor TEXT,
    confidence REAL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
"""

# Full-text search (SQLite FTS5) over articles and quotes, kept in step by triggers.
SCHEMA += """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    text, speaker, content='quotes', content_rowid='qid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.qid, new.text, new.speaker);
END;
CREATE TRIGGER IF NOT EXISTS quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker) VALUES ('delete', old.qid, old.text, old.speaker);
END;
"""

# Cross-article resolution inputs, derived per article at ingest (pure functions of the article).
SCHEMA += """
CREATE TABLE IF NOT EXISTS points (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    key TEXT NOT NULL,
    category TEXT NOT NULL,
    place TEXT,
    unit TEXT,
    scope TEXT NOT NULL,
    anchor TEXT,
    value REAL NOT NULL,
    qualifier TEXT,
    as_of TEXT,
    source TEXT,
    outlet TEXT,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS points_key ON points(key);

CREATE TABLE IF NOT EXISTS events (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    date TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    actors TEXT NOT NULL DEFAULT '[]',
    basis TEXT NOT NULL,
    published TEXT,
    outlet TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);

-- MinHash signature and its LSH band keys: a new article finds its near-copies by lookup
CREATE TABLE IF NOT EXISTS signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature BLOB NOT NULL,
    features TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS bands (
    band TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX IF NOT EXISTS bands_article ON bands(article_id);

-- results of resolution, rewritten by refresh()
CREATE TABLE IF NOT EXISTS duplicate_of (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_of (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_of_story ON story_of(story_id);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
"""

# Version 2: columns added to version-1 tables (a new database gets them from MIGRATE_1_2 too).
MIGRATE_1_2 = """
ALTER TABLE story_of ADD COLUMN direct TEXT;
ALTER TABLE stories ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN first TEXT;
ALTER TABLE stories ADD COLUMN last TEXT;
ALTER TABLE stories ADD COLUMN first_pub TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN first_id TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN last_ord INTEGER;
ALTER TABLE stories ADD COLUMN top_actors TEXT NOT NULL DEFAULT '[]';
"""

# Version 2: the state of incremental resolution and its stored results.
SCHEMA_2 = """
CREATE INDEX IF NOT EXISTS articles_order ON articles(COALESCE(substr(published, 1, 10), '~'), id);
-- search filters (measured on the 100k bulk store: filtered search p95 197 -> 105 ms)
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS entities_name_article ON entities(name, article_id);
CREATE INDEX IF NOT EXISTS figures_category_article ON figures(category, article_id);
CREATE INDEX IF NOT EXISTS duplicate_of_group ON duplicate_of(group_id);
CREATE INDEX IF NOT EXISTS story_of_direct ON story_of(direct);
CREATE INDEX IF NOT EXISTS stories_size ON stories(size DESC, id);
CREATE INDEX IF NOT EXISTS points_as_of ON points(as_of);
CREATE INDEX IF NOT EXISTS events_article_date ON events(article_id, date);

-- articles saved since the last resolution, with what they were when last resolved
CREATE TABLE IF NOT EXISTS resolve_pending (
    article_id TEXT PRIMARY KEY,
    old_day TEXT,             -- canonical day in the story order when last resolved (NULL: never)
    old_group TEXT,           -- duplicate group when last resolved
    old_forms TEXT NOT NULL DEFAULT '[]',   -- [[type, norm], ...] of its entities when last resolved
    old_keys TEXT NOT NULL DEFAULT '[]'     -- figure-series family keys of its points when last resolved
);
CREATE TABLE IF NOT EXISTS resolve_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL       -- JSON
);

-- story tracker state (stories above: one row per live story; these: centroids, document
-- frequencies, merges, and one undo journal per processed article, keyed by canonical place)
CREATE TABLE IF NOT EXISTS story_terms (
    story_id TEXT NOT NULL,
    term TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (story_id, term)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_terms_term ON story_terms(term);
CREATE TABLE IF NOT EXISTS story_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL,
    prev INTEGER NOT NULL,
    epoch INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_merged (
    gone TEXT PRIMARY KEY,
    keep TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_merged_keep ON story_merged(keep);
CREATE TABLE IF NOT EXISTS story_journal (
    day TEXT NOT NULL,
    article_id TEXT NOT NULL,
    ops BLOB NOT NULL,        -- zlib-compressed JSON list of undo operations
    PRIMARY KEY (day, article_id)
) WITHOUT ROWID;
-- entity counts per story and form, for a story's actors and top actors
CREATE TABLE IF NOT EXISTS story_forms (
    story_id TEXT NOT NULL,
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    entities INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (story_id, type, norm)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_forms_form ON story_forms(type, norm);

-- actors: every entity and quote speaker is a form (type, normalised name); forms are resolved
-- into actors per bucket (actor_key); actor ids are looked up through actor_forms
CREATE TABLE IF NOT EXISTS entity_forms (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    published TEXT,           -- the article's, so an actor's appearances are read from this index alone
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS entity_forms_form ON entity_forms(type, norm, published, article_id, mentions);
CREATE TABLE IF NOT EXISTS quote_forms (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS quote_forms_form ON quote_forms(type, norm);
CREATE TABLE IF NOT EXISTS actor_forms (
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    key TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    form TEXT NOT NULL,       -- JSON of the folded Form
    PRIMARY KEY (type, norm)
);
CREATE INDEX IF NOT EXISTS actor_forms_key ON actor_forms(key);
CREATE INDEX IF NOT EXISTS actor_forms_actor ON actor_forms(actor_id);
CREATE TABLE IF NOT EXISTS actors (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    slug TEXT NOT NULL,       -- the id before a collision suffix
    norm TEXT NOT NULL,       -- its first form: with key, orders actors that share a slug
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    first TEXT,
    last TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    roles TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS actors_key ON actors(key);
CREATE INDEX IF NOT EXISTS actors_slug ON actors(slug);
CREATE INDEX IF NOT EXISTS actors_rank ON actors(mentions DESC, name, id);
CREATE INDEX IF NOT EXISTS actors_type_rank ON actors(type, mentions DESC, name, id);
CREATE INDEX IF NOT EXISTS actors_first ON actors(first);
-- an actor id that stopped existing (renamed, merged) → the actor that now holds its forms
CREATE TABLE IF NOT EXISTS actor_redirects (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL
);

-- figure series, materialised per family key; every point (copies included) → its series
CREATE TABLE IF NOT EXISTS series (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    category TEXT NOT NULL,
    place TEXT,
    unit TEXT,
    scope TEXT NOT NULL,
    anchor TEXT,
    points INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    first TEXT,
    last TEXT,
    data TEXT NOT NULL        -- JSON: point references in order, conflicts
);
CREATE INDEX IF NOT EXISTS series_key ON series(key);
CREATE INDEX IF NOT EXISTS series_rank ON series(points DESC, label, id);
CREATE INDEX IF NOT EXISTS series_category ON series(category, points DESC, label, id);
CREATE TABLE IF NOT EXISTS series_points (
    article_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    series_id TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX IF NOT EXISTS series_points_series ON series_points(series_id);
"""

# Tables that hold results or state of resolution (cleared by a full refresh), in a fixed order.
# Version 3: resolution in two phases. Articles whose duplicates, actors and series are resolved but
# whose place in the story order is not yet (a large ingest resolves the former as it goes and
# replays the stories once, at the end: see storyline.incremental).
SCHEMA_3 = """
CREATE TABLE IF NOT EXISTS story_pending (
    article_id TEXT PRIMARY KEY,
    old_day TEXT              -- canonical day in the story order when last placed (NULL: never)
);
"""

RESOLUTION_TABLES = (
    "duplicate_of", "story_of", "stories", "story_terms", "story_df", "story_merged", "story_journal",
    "story_forms", "entity_forms", "quote_forms", "actor_forms", "actors", "actor_redirects", "series",
    "series_points", "resolve_meta",
)
