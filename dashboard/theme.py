"""The few styles Streamlit has no parameter for, keyed on container keys (``st-key-<key>``)."""

from __future__ import annotations

CSS = """
<style>
/* Internal notes: a yellow sticky note in the thread. */
[class*="st-key-ticket_note_"] {
  background: #fff8db;
  border: 1px solid #f5d565;
  border-left: 4px solid #f0b400;
  border-radius: 0.5rem;
  padding: 0.5rem 0.75rem;
}
/* System notes: quiet and grey. */
[class*="st-key-ticket_system_"] {
  color: #6c757d;
  font-size: 0.9rem;
}
/* Agent replies: a light blue bubble so the two sides of the conversation read at a glance. */
[class*="st-key-ticket_reply_"] {
  background: #eef5ff;
  border-radius: 0.5rem;
  padding: 0.5rem 0.75rem;
}
/* The views column: tight, left-aligned entries with the count on the right. */
.st-key-inbox_nav button {
  justify-content: flex-start;
  min-height: 2rem;
  padding: 0.2rem 0.6rem;
  border-radius: 0.4rem;
}
.st-key-inbox_nav button > div,
.st-key-inbox_nav button > div > span { width: 100%; justify-content: flex-start; }
.st-key-inbox_nav button [data-testid="stMarkdownContainer"] { flex: 1; }
.st-key-inbox_nav button p {
  display: flex;
  justify-content: space-between;
  align-items: center;
  width: 100%;
  gap: 0.5rem;
}
/* A long view name wraps; its count keeps its whole width ("7..", "0." no more). */
.st-key-inbox_nav button p {
  overflow: visible;
  white-space: normal;
  text-overflow: clip;
  text-align: left;
}
.st-key-inbox_nav button p > span { flex: none; }
/* On a phone the tickets come first: the views sit in a selector above the list. */
@media (max-width: 640px) { .st-key-inbox_nav { display: none; } }
@media (min-width: 641px) { .st-key-inbox_view_picker { display: none; } }
.st-key-inbox_nav [data-testid="stCaptionContainer"] p {
  text-transform: uppercase;
  letter-spacing: 0.04em;
  font-size: 0.72rem;
  padding: 0.75rem 0 0.15rem 0.6rem;
}
.st-key-inbox_bulk {
  background: #f1f3f5;
  border-radius: 0.5rem;
  padding: 0.5rem 0.75rem;
}
.st-key-ticket_presence [data-testid="stAlert"] { padding: 0.25rem 0.5rem; }
header[data-testid="stHeader"] { background: transparent; }
.block-container { padding-top: 2.5rem; padding-left: 2rem; padding-right: 2rem; }
/* Order totals: label left, amount right. */
[class*="st-key-ticket_total_"] p { margin: 0; }
</style>
"""
