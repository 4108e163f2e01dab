"""Plain text of an HTML email body, written as the plain-text part of the
same email would be, so that body_clean.split_reply reads both alike."""

import re

import html2text

# html2text writes Markdown; a reply header or a separator must reach
# split_reply as the plain-text client writes it: "\-----Original Message"
# unescaped, <hr> as Outlook's rule of underscores (not "* * *"), automatic
# links without their angle brackets (mailto links are plain text already).
_MD_ESCAPE = re.compile(r"^([ \t>]*+)\\([-+#])|^([ \t>]*+\d{1,9})\\\.", re.MULTILINE)
_MD_RULE = re.compile(r"^([ \t>]*+)\* \* \*[ \t]*+$", re.MULTILINE)
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]{1,2000}+)>")


def html_to_text(html):
    """Plain text of an HTML body: paragraphs kept, no line wrapping, written
    as the plain-text part of the same email would be."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.ignore_mailto_links = True
    converter.single_line_break = False
    converter.unicode_snob = True
    text = converter.handle(html or "")
    text = _MD_ESCAPE.sub(
        lambda m: (m[1] or "") + (m[2] or "") if m[2] else m[3] + ".", text
    )
    text = _MD_RULE.sub(r"\1" + "_" * 32, text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    # html2text's hard breaks ("  ") and the empty paragraphs of HTML mail
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}+", "\n\n", text).strip()
