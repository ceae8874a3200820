-- Word index for the ticket search box: every distinct word (a-z, 0-9, accents folded) of a
-- ticket's search text. A selective word finds its tickets through the index instead of scanning
-- every ticket's text (see storage/tickets.py, list_page).
CREATE TABLE ticket_terms (
    term       VARCHAR NOT NULL,
    ticket_id  BIGINT NOT NULL
);

INSERT INTO ticket_terms
SELECT DISTINCT term, id FROM (
    SELECT id, unnest(regexp_extract_all(search_text, '[a-z0-9]+')) AS term FROM tickets
) WHERE length(term) >= 2;

CREATE INDEX ticket_terms_term_idx ON ticket_terms (term);
