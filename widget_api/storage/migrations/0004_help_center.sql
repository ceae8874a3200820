-- Help center: articles (imported from Markdown, edited from the dashboard), views and
-- feedback, and the searches customers make (content gaps are the ones that found nothing).

CREATE TABLE articles (
    id             BIGINT PRIMARY KEY,
    slug           VARCHAR NOT NULL,
    lang           VARCHAR NOT NULL CHECK (lang IN ('fr', 'en')),
    title          VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    tags           VARCHAR[] NOT NULL DEFAULT [],
    translation    VARCHAR,                      -- slug of the other language's version
    summary        VARCHAR,
    body_markdown  VARCHAR NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    views          BIGINT NOT NULL DEFAULT 0,
    helpful        BIGINT NOT NULL DEFAULT 0,
    not_helpful    BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (lang, slug)
);

CREATE TABLE help_searches (
    id             BIGINT PRIMARY KEY,
    occurred_at    TIMESTAMP NOT NULL,
    source         VARCHAR NOT NULL CHECK (source IN ('widget', 'help_center')),
    lang           VARCHAR NOT NULL,
    query          VARCHAR NOT NULL,
    result_count   INTEGER NOT NULL,
    clicked_slug   VARCHAR,
    opened_chat    BOOLEAN NOT NULL DEFAULT FALSE
);
