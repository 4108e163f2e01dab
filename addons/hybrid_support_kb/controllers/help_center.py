"""The help center (/help) on Odoo's portal, and the knowledge base's part
of the new-case form (suggestions as the customer types, "This solved it").

Who sees what is decided here once, in ``_hs_visitor``: the visitor's
company (a signed-in customer's own, an employee's current one, the public
user's for anonymous visitors) and audiences (anonymous: "everyone";
customers: also "customers"; employees: all). Articles are then read in sudo
with that explicit domain: anonymous and internal users without helpdesk
rights have no access rights on articles, and the domain is the rule.
"""

from collections import namedtuple
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import html2plaintext

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.hybrid_support_kb_article import CUSTOMER_AUDIENCES
from ..tools.search_index import AUDIENCES

SOURCES = ("search", "new_case", "acknowledgement", "case_page")
SEARCH_LIMIT = 20
SUGGEST_LIMIT = 3
EXCERPT = 200

Visitor = namedtuple("Visitor", "company audiences partner session_hash address_hash")


def _excerpt(article, size=EXCERPT):
    text = " ".join(html2plaintext(article.body or "").split())
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + " …"


class HelpCenter(CustomerPortal):
    # -- who is visiting ------------------------------------------------------

    def _hs_visitor(self):
        user = request.env.user
        if user._is_public():
            # a keyed hash of the session: rate limits and counts without
            # storing anything that would let someone take the session over
            request.session.setdefault("hs_help", 1)  # keep the session
            Event = request.env["hybrid.support.kb.event"]
            session_hash = Event._session_hash(request.session.sid)
            # a session is free to drop, the client address is not: the daily
            # ceilings of anonymous events, deflections and searches count it (Odoo's
            # proxy_mode has already put X-Forwarded-For's client here)
            address_hash = Event._address_hash(request.httprequest.remote_addr)
            return Visitor(
                user.company_id, ("public",), None, session_hash, address_hash
            )
        if user.share:
            return Visitor(
                user.company_id, CUSTOMER_AUDIENCES, user.partner_id, None, None
            )
        return Visitor(request.env.company, AUDIENCES, user.partner_id, None, None)

    def _hs_who(self, visitor):
        return {
            "company_id": visitor.company.id,
            "partner_id": visitor.partner.id if visitor.partner else False,
            "session_hash": visitor.session_hash or False,
        }

    def _hs_who_event(self, visitor):
        return {**self._hs_who(visitor), "address_hash": visitor.address_hash or False}

    def _hs_closed_to(self, visitor):
        """A sign-in redirect when the company keeps its help center to
        signed-in users and the visitor is anonymous."""
        if (
            visitor.session_hash
            and visitor.company.sudo().hs_help_center_access == "portal"
        ):
            return request.redirect(f"/web/login?redirect={request.httprequest.path}")
        return None

    def _hs_articles(self, visitor):
        # sudo: the explicit domain below is the access rule (module docstring)
        return (
            request.env["hybrid.support.kb.article"]
            .sudo()
            .with_context(lang=request.env.lang)
        )

    def _hs_visible(self, visitor, ids=None, domain=()):
        Article = self._hs_articles(visitor)
        visible = Article._visible_domain(visitor.company, visitor.audiences)
        if ids is not None:
            visible = [*visible, ("id", "in", list(ids))]
            found = Article.search([*visible, *domain])
            order = {key: i for i, key in enumerate(ids)}
            return found.sorted(lambda a: order.get(a.id, 0))
        return Article.search([*visible, *domain])

    def _hs_index(self, visitor):
        return self._hs_articles(visitor)._search_index(
            visitor.company, request.env.lang
        )

    def _hs_log_event(self, visitor, event_type, source, articles=None, **values):
        Event = request.env["hybrid.support.kb.event"]
        # sudo: customers and visitors never read nor write the log
        # themselves; the controller writes what they did, within a cap
        if not Event.sudo()._allowed(visitor.partner, visitor.session_hash):
            return Event
        source = source if source in SOURCES else "search"
        return Event.sudo()._log(
            event_type, source, articles, **self._hs_who_event(visitor), **values
        )

    def _hs_log_search(self, visitor, query, count, source="search"):
        Event = request.env["hybrid.support.kb.event"]
        if not Event.sudo()._allowed(visitor.partner, visitor.session_hash):
            return
        # sudo: the search log is the managers'; see _hs_log_event (an
        # anonymous address over its daily ceiling is answered, not logged)
        request.env["hybrid.support.kb.search"].sudo()._log(
            query, count, source=source, **self._hs_who_event(visitor)
        )

    # -- pages ----------------------------------------------------------------

    @http.route(
        ["/help", "/help/category/<int:category_id>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def hs_help_home(self, category_id=None, search="", **kw):
        visitor = self._hs_visitor()
        closed = self._hs_closed_to(visitor)
        if closed:
            return closed
        search = (search or "").strip()[:200]
        Article = self._hs_articles(visitor)
        visible = Article._visible_domain(visitor.company, visitor.audiences)
        # one grouped query for the categories, whatever the number of articles
        counts = dict(Article._read_group(visible, ["category_id"], ["__count"]))
        counts.pop(Article.category_id, None)
        categories = Article.category_id.union(*counts).sorted("name")
        category = categories.filtered(lambda c: c.id == category_id)
        if category_id and not category:
            raise NotFound()
        results = None
        if search:
            found = self._hs_index(visitor).search(
                search,
                limit=SEARCH_LIMIT,
                audiences=visitor.audiences,
                category=category.id,
            )
            results = self._hs_visible(visitor, [key for key, _score in found])
            self._hs_log_search(visitor, search, len(results))
        elif category:
            results = Article.search(
                [*visible, ("category_id", "=", category.id)], limit=100
            )
        values = {
            "page_name": "help",
            "search": search,
            "category": category,
            "categories": [(cat, counts[cat]) for cat in categories],
            "results": results,
            "latest": Article.search(visible, order="write_date desc", limit=6),
            "excerpt": _excerpt,
            "new_case_url": self._hs_new_case_url(search),
        }
        return request.render("hybrid_support_kb.help_home", values)

    def _hs_new_case_url(self, text):
        return "/new/ticket" + (f"?{urlencode({'subject': text})}" if text else "")

    def _hs_case(self, case_id, access_token):
        """The customer's case given by id and token (or readable by the
        visitor), in sudo; an empty recordset otherwise."""
        try:
            return self._document_check_access(
                "helpdesk.ticket", int(case_id or 0), access_token or None
            )
        except (AccessError, MissingError, ValueError):
            return request.env["helpdesk.ticket"]

    @http.route(
        "/help/article/<string:slug>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def hs_help_article(self, slug, src="search", q="", case_id=None, **kw):
        visitor = self._hs_visitor()
        closed = self._hs_closed_to(visitor)
        if closed:
            return closed
        _name, article_id = request.env["ir.http"]._unslug(slug)
        article = self._hs_visible(visitor, [article_id or 0])
        if not article:
            raise NotFound()
        self._hs_log_event(visitor, "viewed", src, article, query=q)
        return self._hs_render_article(visitor, article, src, q, case_id, **kw)

    def _hs_render_article(self, visitor, article, src, q, case_id, **kw):
        related = self._hs_index(visitor).related(
            article.id, limit=3, audiences=visitor.audiences
        )
        case = self._hs_case(case_id, kw.get("access_token"))
        values = {
            "page_name": "help_article",
            "article": article,
            "related": self._hs_visible(visitor, [key for key, _ in related]),
            "src": src if src in SOURCES else "search",
            "q": (q or "")[:200],
            "case": case,
            "access_token": kw.get("access_token") or "",
            "feedback": kw.get("feedback"),
            "case_closed": kw.get("case_closed"),
            "new_case_url": self._hs_new_case_url(q or article.name),
            "excerpt": _excerpt,
        }
        return request.render("hybrid_support_kb.help_article", values)

    @http.route(
        "/help/article/<int:article_id>/feedback",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def hs_help_feedback(self, article_id, helpful="", comment="", src="", **kw):
        """Did this answer your question? Yes / No, with an optional
        comment; recorded once per answer, within the visitor's cap."""
        visitor = self._hs_visitor()
        closed = self._hs_closed_to(visitor)
        if closed:
            return closed
        article = self._hs_visible(visitor, [article_id])
        if not article:
            raise NotFound()
        is_helpful = helpful == "1"
        case = self._hs_case(kw.get("case_id"), kw.get("access_token"))
        self._hs_log_event(
            visitor,
            "helpful" if is_helpful else "not_helpful",
            src,
            article,
            comment=comment,
            query=kw.get("q"),
            ticket_id=case.id,
        )
        kw["feedback"] = "yes" if is_helpful else "no"
        return self._hs_render_article(
            visitor, article, src, kw.pop("q", ""), kw.pop("case_id", None), **kw
        )

    @http.route(
        "/help/article/<int:article_id>/close_case",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def hs_help_close_case(self, article_id, case_id=None, access_token="", **kw):
        """ "This answered my question, close my case": the customer reached
        the article from their case (its page or the acknowledgement), with
        the case's token or signed in as someone who reads it."""
        visitor = self._hs_visitor()
        article = self._hs_visible(visitor, [article_id])
        case = self._hs_case(case_id, access_token)
        if not article or not case:
            raise NotFound()
        src = (
            kw.get("src")
            if kw.get("src") in ("acknowledgement", "case_page")
            else "case_page"
        )
        if case._hs_close_as_answered_by(article):
            self._hs_log_event(visitor, "deflected", src, article, ticket_id=case.id)
        return request.redirect(case.get_portal_url())

    # -- the new-case form ----------------------------------------------------

    @http.route("/help/suggest", type="jsonrpc", auth="user", website=True)
    def hs_help_suggest(self, subject="", description="", shown=None, **kw):
        """Articles for what the customer is typing on the new-case form;
        'suggested' is recorded once per article and form (``shown``: the
        ids the form showed already)."""
        visitor = self._hs_visitor()
        text = f"{subject or ''} {description or ''}".strip()[:2000]
        if len(text) < 3:
            return []
        found = self._hs_index(visitor).search(
            text, limit=SUGGEST_LIMIT, audiences=visitor.audiences
        )
        articles = self._hs_visible(visitor, [key for key, _score in found])
        already = {int(i) for i in (shown or []) if str(i).isdigit()}
        new = articles.filtered(lambda a: a.id not in already)
        if new:
            self._hs_log_event(visitor, "suggested", "new_case", new, query=subject)
        return [
            {
                "id": article.id,
                "name": article.name,
                "url": f"{article.help_url}?src=new_case",
                "excerpt": _excerpt(article, 140),
            }
            for article in articles
        ]

    @http.route("/help/deflect", type="jsonrpc", auth="user", website=True)
    def hs_help_deflect(self, article_id=None, subject="", **kw):
        """ "This solved it" on the new-case form: a deflection, no case."""
        visitor = self._hs_visitor()
        article = self._hs_visible(visitor, [int(article_id or 0)])
        if not article:
            return {"ok": False}
        self._hs_log_event(visitor, "deflected", "new_case", article, query=subject)
        return {"ok": True, "url": f"{article.help_url}?src=new_case"}


class HelpdeskTicketControllerKb(HelpdeskTicketController):
    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        # "Still need help? Open a case" from the help center: its search
        values["hs_prefill_subject"] = (kw.get("subject") or "")[:200]
        return values

    @http.route()
    def submit_ticket(self, **kw):
        """A case submitted although the form suggested articles: 'submitted
        anyway' for each article it showed."""
        shown = [
            int(i) for i in (kw.get("hs_kb_suggested") or "").split(",") if i.isdigit()
        ]
        if shown:
            portal = HelpCenter()
            visitor = portal._hs_visitor()
            articles = portal._hs_visible(visitor, shown[: SUGGEST_LIMIT * 5])
            if articles:
                portal._hs_log_event(
                    visitor,
                    "submitted_anyway",
                    "new_case",
                    articles,
                    query=kw.get("subject"),
                )
        return super().submit_ticket(**kw)
