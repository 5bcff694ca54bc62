"""Portal text in Markdown that GitHub renders (issue bodies, CI job summaries)."""

from __future__ import annotations

from guidegen.markdown_text import ZERO_WIDTH_SPACE, md_text


def test_mentions_and_issue_references_in_portal_text_notify_and_link_nobody():
    text = md_text("Ask @octocat about #12 or GH-7")
    assert text == (f"Ask @{ZERO_WIDTH_SPACE}octocat about #{ZERO_WIDTH_SPACE}12 or "
                    f"GH-{ZERO_WIDTH_SPACE}7")


def test_an_address_or_a_heading_mark_inside_a_word_is_left_alone():
    assert md_text("mail admin@contoso.com, C# 12") == "mail admin@contoso.com, C# 12"


def test_markup_is_characters():
    assert md_text("<img src=x onerror=alert(1)> [x](https://e.test) *b* `c` a|b") == (
        r"&lt;img src=x onerror=alert(1)&gt; \[x\](https://e.test) \*b\* \`c\` a\|b")
