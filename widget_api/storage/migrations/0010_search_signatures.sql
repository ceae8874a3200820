-- Text search reads a 1,024-bit trigram signature per ticket before any text (see
-- storage/search_signatures.py). The searched text moves to `search_doc`, stored uncompressed:
-- the few tickets that pass the signature test are then compared without decompressing the
-- column for all the others. DuckDB cannot drop a column from an indexed table, so the old
-- `search_text` stays, emptied and unused. The signatures are computed at start-up for the
-- rows that have none (NULL), in Python.

ALTER TABLE tickets ADD COLUMN search_doc VARCHAR USING COMPRESSION uncompressed DEFAULT '';
ALTER TABLE tickets ADD COLUMN search_sig0 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig1 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig2 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig3 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig4 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig5 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig6 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig7 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig8 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig9 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig10 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig11 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig12 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig13 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig14 BIGINT;
ALTER TABLE tickets ADD COLUMN search_sig15 BIGINT;

-- Data changes come after every ALTER: DuckDB refuses to alter an indexed table it has
-- already changed in the same transaction.
UPDATE tickets SET search_doc = search_text, search_text = '';
