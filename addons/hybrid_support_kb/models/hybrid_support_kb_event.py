import hashlib
import hmac
from datetime import timedelta

from odoo import api, fields, models

EVENT_TYPES = [
    ("suggested", "Suggested"),
    ("viewed", "Viewed"),
    ("helpful", "Helpful"),
    ("not_helpful", "Not helpful"),
    ("deflected", "Deflected"),
    ("submitted_anyway", "Submitted anyway"),
]
SOURCES = [
    ("search", "Help center search"),
    ("new_case", "New case form"),
    ("acknowledgement", "Acknowledgement"),
    ("case_page", "Case page"),
]
MAX_COMMENT = 1000
# What one anonymous visitor (one session) may write per hour; signed-in
# users are known and limited only by MAX_PER_HOUR_USER.
MAX_PER_HOUR_ANONYMOUS = 60
MAX_PER_HOUR_USER = 600


class HybridSupportKbEvent(models.Model):
    """What customers did with articles: the facts behind the deflection
    rate. Written by the help center's controllers in sudo, read by
    knowledge base managers; customers never read it."""

    _name = "hybrid.support.kb.event"
    _description = "Knowledge base event"
    _order = "id desc"
    _rec_name = "event_type"

    event_type = fields.Selection(EVENT_TYPES, required=True, index=True)
    source = fields.Selection(SOURCES, required=True, index=True)
    article_id = fields.Many2one(
        "hybrid.support.kb.article", index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", index="btree_not_null")
    session_hash = fields.Char(
        index="btree_not_null",
        help="Anonymous visitor: a keyed hash of the session, never the "
        "session id itself.",
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    comment = fields.Text()
    query = fields.Char(help="What the customer had typed (cut to 200 characters).")

    @api.model
    def _hs_session_hash(self, session_id):
        """A stable pseudonym of a browser session: HMAC with the database
        secret, so the stored value cannot be replayed as a session id."""
        # sudo: the database secret, used only as the HMAC key
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), (session_id or "").encode(), hashlib.sha256
        ).hexdigest()[:32]

    @api.model
    def _hs_allowed(self, partner=None, session_hash=None):
        """Whether this visitor may still write events this hour (both logs
        count): a cap on what anonymous visitors can fill the tables with."""
        since = fields.Datetime.now() - timedelta(hours=1)
        if partner:
            who, cap = ("partner_id", "=", partner.id), MAX_PER_HOUR_USER
        elif session_hash:
            who, cap = ("session_hash", "=", session_hash), MAX_PER_HOUR_ANONYMOUS
        else:
            return False
        domain = [who, ("create_date", ">=", since)]
        written = self.sudo().search_count(domain, limit=cap) + self.env[
            "hybrid.support.kb.search"
        ].sudo().search_count(domain, limit=cap)
        return written < cap

    @api.model
    def _hs_log(self, event_type, source, articles=None, **values):
        """One event per article (or one without article). ``values``:
        partner_id or session_hash, company_id, ticket_id, comment, query."""
        values["comment"] = (values.get("comment") or "")[:MAX_COMMENT] or False
        values["query"] = (values.get("query") or "")[:200] or False
        articles = articles or [False]
        return self.create(
            [
                dict(values, event_type=event_type, source=source, article_id=article)
                for article in (a.id if a else False for a in articles)
            ]
        )
