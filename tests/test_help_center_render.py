"""Markdown rendering and HTML sanitising of help-center articles (`help_center.render`)."""

from __future__ import annotations

import re

import pytest

from help_center.render import EXTERNAL_LINK_REL, render_markdown

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<form action=javascript:alert(1)><input autofocus onfocus=alert(1)></form>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body { display: none }</style>",
    '<p onclick="alert(1)" onmouseover="alert(1)">hover</p>',
    "<!--><script>alert(1)</script>-->",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_renders_without_executable_html(payload):
    html = render_markdown(f"Texte avant.\n\n{payload}\n\nTexte après.").lower()
    assert "<script" not in html
    assert "<svg" not in html and "<iframe" not in html and "<object" not in html
    assert "<style" not in html and "<form" not in html and "<input" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html), html
    assert not re.search(r"(href|src)\s*=\s*\"\s*(javascript|data):", html), html
    assert "style=" not in html
    assert "texte avant." in html and "texte après." in html


def test_raw_html_outside_the_allow_list_is_dropped_but_safe_tags_stay():
    html = render_markdown('<kbd>Ctrl</kbd> <marquee>x</marquee> <b class="big" id="y">gras</b>')
    assert html == "<p><kbd>Ctrl</kbd> x <b>gras</b></p>\n"


def test_markdown_tables_render_with_alignment_only():
    html = render_markdown("| Taille | cm |\n|:--|--:|\n| M | 90-95 |")
    assert '<th style="text-align:left">Taille</th>' in html
    assert '<td style="text-align:right">90-95</td>' in html


def test_style_attribute_keeps_only_text_align():
    html = render_markdown(
        '<table><tr><td style="text-align:center;position:fixed">x</td></tr></table>'
    )
    assert '<td style="text-align:center">x</td>' in html


def test_external_links_get_rel_noopener_noreferrer_nofollow():
    html = render_markdown("[Postes Canada](https://www.canadapost-postescanada.ca/suivi)")
    assert html == (
        '<p><a href="https://www.canadapost-postescanada.ca/suivi" '
        f'rel="{EXTERNAL_LINK_REL}">Postes Canada</a></p>\n'
    )


def test_author_rel_on_raw_html_link_is_replaced():
    html = render_markdown('<a href="//evil.example/" rel="opener" target="_blank">x</a>')
    assert html == f'<p><a href="//evil.example/" rel="{EXTERNAL_LINK_REL}">x</a></p>\n'


@pytest.mark.parametrize(
    "markdown",
    [
        "[Suivre ma commande](suivre-ma-commande)",
        "[aide](/aide/fr/retours#etiquette)",
        "[Écrivez-nous](mailto:support@nordet.example)",
        "[Aide](https://aide.nordet.example/fr)",
    ],
)
def test_internal_and_mail_links_get_no_rel(markdown):
    html = render_markdown(markdown, site_hosts=["aide.nordet.example"])
    assert "<a href=" in html
    assert "rel=" not in html


def test_ampersands_and_entities_survive_the_link_pass():
    html = render_markdown("[A & B](https://x.example/?a=1&b=2) &lt;tag&gt; « guillemets »")
    assert 'href="https://x.example/?a=1&amp;b=2"' in html
    assert ">A &amp; B</a>" in html
    assert "&lt;tag&gt; « guillemets »" in html


def test_code_shows_html_as_text():
    html = render_markdown("`<script>alert(1)</script>`")
    assert html == "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>\n"
