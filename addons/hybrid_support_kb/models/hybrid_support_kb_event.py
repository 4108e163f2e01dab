import hashlib
import hmac
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from ..tools import deflection as deflection_tools

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
    _inherit = ["hybrid.support.kb.address.ceiling"]
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
    deflection = fields.Boolean(
        string="Deflected before submission",
        readonly=True,
        index=True,
        help="A question answered before any case was opened (decided when "
        "the event was written: tools/deflection.py); withdrawn when the "
        "same visitor opens a case on the portal within a day.",
    )
    deflection_key = fields.Char(
        readonly=True,
        help="The visitor and day a deflection was counted for: at most one "
        "deflection each.",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        readonly=True,
        index="btree_not_null",
        help="The team whose cases the article's category belongs to, when "
        "the event was written.",
    )

    _deflection_key_unique = models.UniqueIndex(
        "(deflection_key) WHERE deflection",
        "A visitor's deflection is counted once a day.",
    )

    @api.model
    def _session_hash(self, session_id):
        """A stable pseudonym of a browser session: HMAC with the database
        secret, so the stored value cannot be replayed as a session id."""
        # sudo: the database secret, used only as the HMAC key
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), (session_id or "").encode(), hashlib.sha256
        ).hexdigest()[:32]

    @api.model
    def _log_within_address(self, vals_list, key, address_hash):
        """The events of an anonymous visitor within their address's daily
        ceilings (tools/deflection.py): a deflection takes one of the
        address's deflection places, any other event one of its event
        places; what finds no place is not stored (or not counted)."""
        events_used, deflections_used = self._address_slots_used(
            address_hash, ("e", "d")
        )
        written = self.browse()
        if key:
            try:
                written, _place = self._create_in_slot(
                    dict(vals_list[0], deflection=True, deflection_key=key),
                    address_hash,
                    "d",
                    deflections_used,
                    deflection_tools.MAX_DEFLECTIONS_PER_ADDRESS_DAY,
                )
            except psycopg2.errors.UniqueViolation:  # pylint: disable=except-pass
                pass  # the session's deflection of the day is counted already
            if written:
                vals_list = vals_list[1:]
        for vals in vals_list:
            event, place = self._create_in_slot(
                vals,
                address_hash,
                "e",
                events_used,
                deflection_tools.MAX_EVENTS_PER_ADDRESS_DAY,
            )
            if not event:
                break
            written |= event
            events_used = place + 1
        return written

    @api.model
    def _allowed(self, partner=None, session_hash=None):
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
    def _log(self, event_type, source, articles=None, **values):
        """One event per article (or one without article). ``values``:
        partner_id or session_hash (and address_hash), company_id,
        ticket_id, comment, query. An anonymous client address over its daily
        ceilings writes nothing more, or no more deflections
        (``_log_within_address``)."""
        values["comment"] = (values.get("comment") or "")[:MAX_COMMENT] or False
        values["query"] = (values.get("query") or "")[:200] or False
        company = self.env["res.company"].browse(
            values.get("company_id") or self.env.company.id
        )
        partner_id, session_hash = values.get("partner_id"), values.get("session_hash")
        if event_type == "submitted_anyway":
            self._withdraw_deflections(
                self.env["res.partner"].browse(partner_id), session_hash
            )
        vals_list = [
            dict(
                values,
                event_type=event_type,
                source=source,
                article_id=article.id if article else False,
                team_id=self._team_of(article, company).id,
            )
            for article in (articles or [False])
        ]
        # a signed-in visitor is known: the per-user rules apply
        address_hash = False if partner_id else values.get("address_hash")
        for vals in vals_list:
            vals["address_hash"] = address_hash
        key = deflection_tools.deflection_key(
            partner_id, session_hash, fields.Datetime.now()
        )
        deflects = key and deflection_tools.counts_as_deflection(
            event_type, source, bool(values.get("ticket_id"))
        )
        if address_hash:
            return self._log_within_address(
                vals_list, key if deflects else None, address_hash
            )
        if deflects:
            # one deflection per visitor and day, whatever the number of
            # articles, votes or workers: the unique index decides, and the
            # event of a visitor counted already is kept as a plain event
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    first = self.create(
                        dict(vals_list[0], deflection=True, deflection_key=key)
                    )
                return first + self.create(vals_list[1:])
            # the visitor's deflection is counted already: a plain event below
            except psycopg2.errors.UniqueViolation:  # pylint: disable=except-pass
                pass
        return self.create(vals_list)

    @api.model
    def _team_of(self, article, company):
        """The first team of ``company`` (or of none) handling the article's
        category: who would have had the case."""
        if not article or not article.category_id:
            return self.env["helpdesk.ticket.team"]
        # sudo: the team is a label of the log, whoever the visitor is
        return (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search(
                [
                    ("category_ids", "in", article.category_id.ids),
                    ("company_id", "in", [company.id, False]),
                ],
                order="sequence, id",
                limit=1,
            )
        )

    def _visitor_domain(self, partner_id, session_hash):
        if partner_id:
            return [("partner_id", "=", partner_id)]
        if session_hash:
            return [("session_hash", "=", session_hash)]
        return None

    @api.model
    def _withdraw_deflections(self, partner, session_hash=None, ticket=None):
        """The visitor opened a case after all: their deflections of the
        window were no answer. The case, when known, is kept on the event."""
        who = self._visitor_domain(partner.id, session_hash)
        if who is None:
            return self.browse()
        since = fields.Datetime.now() - deflection_tools.WINDOW
        # sudo: the log is the managers'; a case or a form submission
        # withdraws what its visitor's visit counted
        events = self.sudo().search(
            [*who, ("deflection", "=", True), ("create_date", ">=", since)]
        )
        values = {"deflection": False, "deflection_key": False}
        if ticket:
            values["ticket_id"] = ticket.id
        events.write(values)
        return events

    # -- demo -------------------------------------------------------------------

    @api.model
    def _demo_history(self, weeks=26, per_week=6, seed=15):
        """Demo data: ``weeks`` weeks of help-center visits (searches with and
        without result, articles read, votes, "This solved it") by anonymous
        visitors, so that the self-service figures show something on first
        start. Deterministic (``seed``); each visit is its own visitor."""
        import random  # noqa: PLC0415 - demo only

        rng = random.Random(seed)
        articles = self.env["hybrid.support.kb.article"].search(
            [("state", "=", "published"), ("audience", "!=", "internal")]
        )
        if not articles:
            return self.browse()
        now = fields.Datetime.now()
        Search = self.env["hybrid.support.kb.search"]
        misses = ["warranty extension", "api rate limit", "gift card balance"]
        written, dates = self.browse(), {}
        for visit in range(weeks * per_week):
            when = now - timedelta(
                days=rng.uniform(0, weeks * 7), hours=rng.uniform(0, 8)
            )
            who = {
                "session_hash": f"demo-visit-{visit}",
                "company_id": articles.company_id[:1].id or self.env.company.id,
            }
            article = rng.choice(articles)
            if rng.random() < 0.2:
                search = Search._log(rng.choice(misses), 0, **who)
                dates.setdefault("hybrid_support_kb_search", []).append(
                    (search.id, when)
                )
                continue
            search = Search._log(article.name.split()[-1], rng.randint(1, 4), **who)
            dates.setdefault("hybrid_support_kb_search", []).append((search.id, when))
            events = self._log("viewed", "search", article, **who)
            roll = rng.random()
            if roll < 0.45:
                events |= self._log("helpful", "search", article, **who)
            elif roll < 0.6:
                events |= self._log("not_helpful", "search", article, **who)
            elif roll < 0.75:
                events |= self._log("deflected", "new_case", article, **who)
            written |= events
            dates.setdefault(self._table, []).extend((e.id, when) for e in events)
        self.env.flush_all()
        for table, rows in dates.items():
            for record_id, when in rows:
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET create_date = %s WHERE id = %s",
                        SQL.identifier(table),
                        when,
                        record_id,
                    )
                )
        self.invalidate_model(["create_date"])
        Search.invalidate_model(["create_date"])
        return written
