"""Export files written for these tests: every status, nested threads, odd HTML, other scripts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

AKISMET_SPAM = [
    'a:4:{s:4:"time";d:1580000100.25;s:5:"event";s:10:"check-spam";s:4:"user";s:0:"";'
    's:7:"message";s:0:"";}',
    'a:3:{s:4:"time";i:1580000200;s:5:"event";s:11:"report-spam";s:4:"user";s:5:"admin";}',
]
# Akismet called it spam; a moderator said it was not.
AKISMET_HAM = [
    'a:3:{s:4:"time";i:1580000300;s:5:"event";s:10:"check-spam";s:4:"user";s:0:"";}',
    'a:3:{s:4:"time";i:1580000400;s:5:"event";s:10:"report-ham";s:4:"user";s:5:"admin";}',
]


def _comment(
    cid: int,
    *,
    author: str = "Ann",
    content: str = "A comment",
    approved: str = "1",
    parent: int = 0,
    date: str = "2020-01-02 10:00:00",
    ip: str = "203.0.113.9",
    email: str = "",
    url: str = "",
    kind: str = "",
    history: list[str] | None = None,
    submitted: str = "",
) -> str:
    meta = "".join(
        "<wp:commentmeta><wp:meta_key>akismet_history</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{entry}]]></wp:meta_value></wp:commentmeta>"
        for entry in history or []
    )
    if submitted:  # what Akismet was sent: the full address and browser
        meta += (
            "<wp:commentmeta><wp:meta_key>akismet_as_submitted</wp:meta_key>"
            f"<wp:meta_value><![CDATA[{submitted}]]></wp:meta_value></wp:commentmeta>"
        )
    return f"""
    <wp:comment>
      <wp:comment_id>{cid}</wp:comment_id>
      <wp:comment_author><![CDATA[{author}]]></wp:comment_author>
      <wp:comment_author_email><![CDATA[{email}]]></wp:comment_author_email>
      <wp:comment_author_url>{url}</wp:comment_author_url>
      <wp:comment_author_IP>{ip}</wp:comment_author_IP>
      <wp:comment_date>{date}</wp:comment_date>
      <wp:comment_date_gmt>{date}</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{content}]]></wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>{kind}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>{meta}
    </wp:comment>"""


def _item(
    post_id: int,
    title: str,
    *,
    slug: str,
    content: str = "<p>Body.</p>",
    excerpt: str = "",
    status: str = "publish",
    post_type: str = "post",
    date_gmt: str = "2020-01-02 03:04:05",
    creator: str = "jane",
    categories: str = '<category domain="category" nicename="news"><![CDATA[News]]></category>',
    comment_status: str = "open",
    meta: str = "",
    comments: str = "",
    link: str = "",
) -> str:
    link = link or f"https://old.example/2020/01/{slug}/"
    return f"""
  <item>
    <title>{title}</title>
    <link>{link}</link>
    <dc:creator><![CDATA[{creator}]]></dc:creator>
    <guid isPermaLink="false">https://old.example/?p={post_id}</guid>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{date_gmt}</wp:post_date>
    <wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
    <wp:post_modified_gmt>{date_gmt}</wp:post_modified_gmt>
    <wp:comment_status>{comment_status}</wp:comment_status>
    <wp:post_name>{slug}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_type>{post_type}</wp:post_type>
    {categories}{meta}{comments}
  </item>"""


HELLO_BODY = """Grüße aus Köln — 日本語 🎉 *not emphasis on WordPress*
second line

1. not a list on WordPress

<h2>Odd <em>HTML</em></h2>
<script>alert("x")</script><img src="/a.png" alt="a"><div class="x">unclosed <b>bold
<pre>code

 with a blank line</pre>"""

ODD_COMMENT = (
    '<a href="https://example.org/a?b=1&amp;c=2">a link</a> &amp; &lt;tags&gt; '
    "<script>alert(1)</script><b>unclosed bold\n"
    "<blockquote>quoted\n<blockquote>deeper</blockquote></blockquote>after *stars* _under_ "
    "[brackets] # hash\n- dash"
)


def wordpress_export() -> str:
    hello_comments = "".join(
        [
            # A reply listed before its parent, as WordPress may order them.
            _comment(
                5,
                author="Zoë Ångström",
                content="Reply before parent",
                parent=6,
                date="2020-01-02 12:00:00",
            ),
            _comment(
                1,
                author="Ann",
                content=ODD_COMMENT,
                email="ann@example.org",
                url="https://ann.example/",
                date="2020-01-02 10:00:00",
            ),
            _comment(2, author="Bob", content="Level one", parent=1, date="2020-01-02 10:30:00"),
            _comment(
                3,
                author="Cé",
                content="Level two — ünïcödé",
                parent=2,
                date="2020-01-02 11:00:00",
                ip="2001:db8:1:2::7",
            ),
            _comment(4, author="Dee", content="Level three", parent=3, date="2020-01-02 11:30:00"),
            _comment(
                6, author="Eve", content="Pending one", approved="0", date="2020-01-02 11:45:00"
            ),
            _comment(
                7,
                author="Spammer",
                content="Buy <a href='http://spam.example'>pills</a>",
                approved="spam",
                date="2020-01-03 00:00:00",
                email="spam@spam.example",
                history=AKISMET_SPAM,
            ),
            _comment(
                8, author="Fay", content="Trashed", approved="trash", date="2020-01-03 01:00:00"
            ),
            _comment(
                9,
                author="Gus",
                content="Rescued from spam",
                date="2020-01-03 02:00:00",
                history=AKISMET_HAM,
            ),
            _comment(
                10, author="Blog", content="Pingback", kind="pingback", date="2020-01-03 03:00:00"
            ),
            _comment(
                11, author="Hal", content="Parent missing", parent=99, date="2020-01-03 04:00:00"
            ),
        ]
    )
    items = "".join(
        [
            _item(
                10,
                "Hello wörld &amp; “quotes”",
                slug="hello-world",
                content=HELLO_BODY,
                excerpt="The first post.",
                categories='<category domain="category" nicename="news"><![CDATA[News]]>'
                "</category>"
                '<category domain="post_tag" nicename="greeting"><![CDATA[Greeting]]></category>'
                '<category domain="category" nicename="culture"><![CDATA[Culture]]></category>',
                meta="<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key>"
                "<wp:meta_value><![CDATA[hello]]></wp:meta_value></wp:postmeta>",
                comments=hello_comments,
            ),
            _item(11, "A draft", slug="", status="draft", date_gmt="0000-00-00 00:00:00",
                  categories="", creator="jose", link="https://old.example/?p=11"),
            _item(12, "Coming soon", slug="coming-soon", status="future",
                  date_gmt="2030-05-01 08:00:00", comment_status="closed",
                  categories='<category domain="category" nicename="%c3%bcmlaut">'
                  "<![CDATA[Ümlaut]]></category>"),
            _item(13, "About", slug="about", post_type="page",
                  comments=_comment(20, content="On a page")),
            _item(14, "logo.png", slug="logo", post_type="attachment", status="inherit"),
            _item(15, "Binned", slug="binned", status="trash"),
            _item(16, "CDATA end", slug="cdata-end",
                  content="<p>a ]]]]><![CDATA[> b</p>", link="https://old.example/?p=16"),
        ]
    )  # fmt: skip
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old site</title>
  <link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://old.example</wp:base_site_url>
  <wp:author><wp:author_login><![CDATA[jane]]></wp:author_login>
    <wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_login><![CDATA[jose]]></wp:author_login>
    <wp:author_display_name><![CDATA[José Ñúñez]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>
    <wp:cat_name><![CDATA[News]]></wp:cat_name>
    <wp:category_description><![CDATA[What happened]]></wp:category_description></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>culture</wp:category_nicename>
    <wp:cat_name><![CDATA[Culture & Arts]]></wp:cat_name></wp:category>
  {items}
</channel>
</rss>
"""


def disqus_export() -> str:
    def post(pid: int, thread: int, text: str, *, parent: int = 0, **flags: str) -> str:
        parent_el = f'<parent dsq:id="{parent}"/>' if parent else ""
        return f"""
  <post dsq:id="{pid}">
    <id/>
    <message><![CDATA[{text}]]></message>
    <createdAt>2021-03-0{pid % 9 + 1}T10:00:00Z</createdAt>
    <isDeleted>{flags.get("deleted", "false")}</isDeleted>
    <isSpam>{flags.get("spam", "false")}</isSpam>
    <author><email>p{pid}@example.org</email><name>Pérson {pid}</name>
      <isAnonymous>false</isAnonymous><username>p{pid}</username></author>
    <ipAddress>198.51.100.{pid}</ipAddress>
    <thread dsq:id="{thread}"/>{parent_el}
  </post>"""

    return f"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <category dsq:id="1"><forum>oldsite</forum><title>General</title></category>
  <thread dsq:id="100">
    <id/><forum>oldsite</forum><category dsq:id="1"/>
    <link>https://old.example/2020/01/hello-world/</link>
    <title>Hello world</title><createdAt>2021-01-01T00:00:00Z</createdAt>
    <isClosed>false</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="200">
    <id/><forum>oldsite</forum><category dsq:id="1"/>
    <link>https://other.example/page?id=3</link>
    <title>Another page</title><createdAt>2021-01-01T00:00:00Z</createdAt>
    <isClosed>true</isClosed><isDeleted>false</isDeleted>
  </thread>
  {post(2, 100, "<p>A reply that came first</p>", parent=1)}
  {post(1, 100, "<p>Top <b>level</b></p>")}
  {post(3, 100, "<p>Deleted</p>", deleted="true")}
  {post(4, 200, "Spam <a href='http://x.example'>link</a>", spam="true")}
  {post(5, 200, "Elsewhere", parent=4)}
  {post(6, 999, "No such thread")}
  {post(7, 100, "Answers a post on another page", parent=4)}
</disqus>
"""


def isso_database(path: Path) -> Path:
    """An Isso database with its own schema (as of Isso 0.13)."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE comments (
            tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
            text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
            likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
            notification INTEGER DEFAULT 0);
        INSERT INTO threads VALUES (1, '/blog/first/', 'First post');
        INSERT INTO threads VALUES (2, '/blog/second/', NULL);
        INSERT INTO comments VALUES (1, 1, NULL, 1600000000.5, NULL, 1, '192.0.2.0',
            'Hello *markdown*', 'Ïda', 'ida@example.org', 'https://ida.example', 2, 0, x'', 0);
        INSERT INTO comments VALUES (1, 2, 1, 1600000100.0, 1600000200.0, 1, '192.0.2.0',
            'A reply', NULL, NULL, NULL, 0, 0, x'', 0);
        INSERT INTO comments VALUES (1, 3, 1, 1600000300.0, NULL, 2, '::', 'Waiting', 'Jo',
            NULL, NULL, 0, 0, x'', 0);
        INSERT INTO comments VALUES (2, 4, NULL, 1600000400.0, NULL, 4, '192.0.2.0', '',
            NULL, NULL, NULL, 0, 0, x'', 0);
        INSERT INTO comments VALUES (2, 5, 4, 1600000500.0, NULL, 1, '192.0.2.0',
            'Reply to a deleted one', 'Kim', NULL, NULL, 0, 0, x'', 0);
        """
    )
    db.commit()
    db.close()
    return path
