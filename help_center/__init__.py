"""Comptoir help center: bilingual articles, safe rendering and search.

- `help_center.articles`: `Article`, `load_articles`, `parse_article`, `dump_article` (Markdown
  files with YAML front matter, imported into the database and exported back).
- `help_center.render`: `render_markdown` (markdown-it-py, then the nh3 allow-list).
- `help_center.search`: `SearchIndex.build(articles).search(query, lang)` (BM25F with accent
  folding, stemming, typo correction, synonyms and informal-question concepts).
- `help_center.lexicon`: the search vocabulary (stop words, synonym groups, concepts).
- `help_center.cli`: the `help-center` click group; `help_center.evaluate` and
  `help_center.bench`: quality and speed measurements.
- `help_center/content/{fr,en}`: the starter help center of the Nordet demo store.

Importing the package imports nothing else.
"""
