import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..tools.ack_text import quotable
from ..tools.sender_trust import keyed_reference
from .ir_cron import retry_soon_on_conflict

_logger = logging.getLogger(__name__)


class HybridSupportAcknowledgementMixin(models.AbstractModel):
    """The acknowledgement of a case opened by email: what the template
    quotes (every value computed and whitelisted, so that the template
    renders without compiling code and quotes nothing the sender could turn
    into a link), who may receive it (no robot, our own aliases, the hourly
    limits, authenticated first-time senders when the company asks), and the
    batch job that sends the queued ones.

    Composed into ``helpdesk.ticket``; other addons extend its computes
    (``_compute_ack_suggestions_html`` in kb, ``_compute_response_promise``
    in escalation) on the ticket model."""

    _name = "hybrid.support.acknowledgement.mixin"
    _description = "Acknowledgement of a case opened by email"

    hs_ack_sent = fields.Boolean(string="Acknowledged", readonly=True, copy=False)

    hs_ack_pending = fields.Boolean(
        string="Acknowledgement queued",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the gateway; the acknowledgement job sends it within "
        "seconds, in batches, so that rendering never slows down or breaks "
        "the intake of the email itself.",
    )

    hs_keyed_reference = fields.Char(
        string="Reference with key",
        compute="_compute_hs_keyed_reference",
        help="The case number with a short key derived from the database "
        "secret, put in the subjects of our emails: a reply that keeps it "
        "threads into the case even when its sender is not yet a follower.",
    )

    hs_ack_suggestions_html = fields.Html(
        string="Ack Suggestions Html",
        compute="_compute_ack_suggestions_html",
        sanitize=False,  # built from escaped values by the code that fills it
        # its links carry the case's access token
        groups="base.group_user",
        help="Help quoted in the acknowledgement, e.g. knowledge-base articles "
        "when hybrid_support_kb is installed.",
    )

    hs_ack_case_actions_html = fields.Html(
        string="Ack Case Actions Html",
        compute="_compute_ack_case_actions_html",
        sanitize=False,  # built from escaped values by the code that fills it
        groups="base.group_user",  # its links act in the requester's name
        help="The customer's one-click answers quoted in the acknowledgement, "
        'e.g. "This solved my problem" when hybrid_support_portal is installed.',
    )

    hs_response_promise = fields.Char(
        string="Response Promise",
        compute="_compute_response_promise",
        help="Response-time promise quoted in the acknowledgement.",
    )

    hs_ack_portal_button = fields.Html(
        string="Ack Portal Button",
        compute="_compute_ack_portal_button",
        sanitize=False,  # built from escaped values below
        groups="base.group_user",  # the link carries the case's access token
        help="Link to the case in the customer portal, with its access token.",
    )

    hs_ack_subject = fields.Char(
        compute="_compute_hs_ack_quotes",
        help="The subject as the acknowledgement quotes it: links, addresses "
        "and host names removed, shortened.",
    )

    hs_ack_customer_name = fields.Char(
        compute="_compute_hs_ack_quotes",
        help="The requester's name as the acknowledgement greets them, "
        "cleaned the same way (a display name can carry a link too).",
    )

    hs_ack_signature = fields.Char(
        string="Ack Signature",
        compute="_compute_ack_signature",
        help="Who signs the acknowledgement: the team, else the company.",
    )

    # The acknowledgement template uses these only: Odoo then renders it
    # without compiling it for each case, and any user allowed to edit
    # templates may change it without the right to write code.
    ACK_EXPRESSIONS = (
        "object.number",
        "object.hs_keyed_reference",
        "object.hs_ack_subject",
        "object.hs_ack_customer_name",
        "object.hs_response_promise",
        "object.hs_ack_suggestions_html",
        "object.hs_ack_case_actions_html",
        "object.hs_ack_portal_button",
        "object.hs_ack_signature",
    )

    def mail_allowed_qweb_expressions(self):
        return super().mail_allowed_qweb_expressions() + self.ACK_EXPRESSIONS

    def _compute_ack_suggestions_html(self):
        self.hs_ack_suggestions_html = False

    def _compute_ack_case_actions_html(self):
        self.hs_ack_case_actions_html = False

    def _hs_portal_links_allowed(self, partner):
        """Hook: whether our emails about this case may point ``partner``
        (the customer, a recipient) to the portal. Always here; the rollout
        addon says no for customers rolled back to email only. Called by the
        acknowledgement's button and by the notifications' portal button."""
        return True

    def _compute_ack_portal_button(self):
        for ticket in self:
            if not ticket._hs_portal_links_allowed(ticket.partner_id):
                ticket.hs_ack_portal_button = False
                continue
            url = ticket.get_base_url() + ticket.get_portal_url()
            ticket.hs_ack_portal_button = Markup(
                '<p style="margin: 0 0 8px 0;">%s</p>'
                '<a href="%s" style="background-color: #875A7B; padding: 8px 16px; '
                'color: #fff; border-radius: 5px; text-decoration: none;">%s</a>'
            ) % (
                self.env._("You can also follow it online:"),
                url,
                self.env._("View your case"),
            )

    @api.depends("name", "partner_id.name")
    def _compute_hs_ack_quotes(self):
        for ticket in self:
            ticket.hs_ack_subject = quotable(ticket.name or "")
            ticket.hs_ack_customer_name = quotable(ticket.partner_id.name or "", 40)

    def _compute_ack_signature(self):
        for ticket in self:
            ticket.hs_ack_signature = ticket.team_id.name or ticket.company_id.name

    @api.depends("company_id")
    def _compute_response_promise(self):
        for ticket in self:
            ticket.hs_response_promise = ticket.company_id.hs_response_promise or ""

    @api.model
    def _hs_case_key_secret(self):
        # sudo: the database secret keys the case references of our emails
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.depends("number")
    def _compute_hs_keyed_reference(self):
        secret = self._hs_case_key_secret()
        for ticket in self:
            ticket.hs_keyed_reference = (
                keyed_reference(secret, ticket.number)
                if ticket.number and ticket.number != "/"
                else ticket.number
            )

    def _hs_ack_recipients_ok(self):
        """Tickets of self whose requester may receive an acknowledgement."""
        # sudo: alias domains are configuration the gateway user may not read
        alias_emails = set(
            self.env["mail.alias.domain"]
            .sudo()
            ._find_aliases([t.partner_id.email_normalized for t in self])
        )
        return self.filtered(
            lambda t: (
                t.partner_id.email_normalized
                and t.partner_id.email_normalized not in alias_emails
                and not t.hs_automated_reason
                and not t.hs_ack_sent
                and t.company_id.hs_ack_enabled
            )
        )

    def _hs_over_rate_limit(self):
        """Tickets whose acknowledgement would go over a limit of the hour:
        per requester (a misbehaving sender) and per company (forged senders
        by the thousand), counting the tickets of ``self`` in id order as
        they would be sent. Two grouped queries for the batch."""
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = [("hs_ack_sent", "=", True), ("create_date", ">=", since)]
        per_sender = dict(
            self._read_group(
                recent + [("partner_id", "in", self.partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        per_company = dict(
            self._read_group(
                recent + [("company_id", "in", self.company_id.ids)],
                ["company_id"],
                ["__count"],
            )
        )
        limited = self.browse()
        for ticket in self.sorted("id"):
            company = ticket.company_id
            sent = per_sender.get(ticket.partner_id, 0)
            sent_all = per_company.get(company, 0)
            if (company.hs_ack_rate_limit and sent >= company.hs_ack_rate_limit) or (
                company.hs_ack_global_rate_limit
                and sent_all >= company.hs_ack_global_rate_limit
            ):
                limited |= ticket
            else:
                per_sender[ticket.partner_id] = sent + 1
                per_company[company] = sent_all + 1
        return limited

    def _hs_unauthenticated_first_timers(self):
        """Tickets of companies that acknowledge first-time senders only when
        authenticated, whose sender was not and never wrote before."""
        strict = self.filtered(
            lambda t: (
                t.company_id.hs_ack_first_time_authenticated
                and not t.hs_sender_authenticated
            )
        )
        if not strict:
            return strict
        earlier = {
            partner
            for partner, _count in self._read_group(
                [
                    ("partner_id", "in", strict.partner_id.ids),
                    ("id", "not in", strict.ids),
                ],
                ["partner_id"],
                ["__count"],
            )
        }
        return strict.filtered(lambda t: t.partner_id not in earlier)

    def _hs_send_acknowledgement(self):
        template = self.env["mail.template"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "hybrid_support_intake.mail_template_ticket_acknowledgement",
                raise_if_not_found=False,
            )
        )
        if not template or not self:
            return
        eligible = self._hs_ack_recipients_ok()
        unknown = eligible._hs_unauthenticated_first_timers()
        for ticket in unknown:
            _logger.info(
                "No acknowledgement for %s: first case of %s, sender not authenticated",
                ticket.number,
                ticket.partner_id.email_normalized,
            )
        eligible -= unknown
        limited = eligible._hs_over_rate_limit()
        for ticket in limited:
            _logger.info(
                "No acknowledgement for %s: the hourly limit is reached (%s)",
                ticket.number,
                ticket.partner_id.email_normalized,
            )
        to_send = eligible - limited
        self.filtered("hs_ack_pending").hs_ack_pending = False
        if not to_send:
            return
        for ticket in to_send:
            ticket._portal_ensure_token()
        # Rendered once for the batch and posted directly: the composer wizard
        # costs as much as the rest of the gateway for one message.
        subjects = template._render_field("subject", to_send.ids, compute_lang=True)
        bodies = template._render_field("body_html", to_send.ids, compute_lang=True)
        for ticket in to_send:
            # auto_comment keeps the customer's reply to it a public message.
            ticket.message_post(
                body=bodies[ticket.id],
                subject=subjects[ticket.id],
                partner_ids=ticket.partner_id.ids,
                author_id=ticket.company_id.partner_id.id,
                message_type="auto_comment",
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )
        to_send.hs_ack_sent = True
        # the acknowledgements wait in the mail queue: run it within seconds
        # rather than at its next hourly pass
        self.env["ir.cron"]._hs_trigger_in_slot(["mail.ir_cron_mail_scheduler_action"])

    @api.model
    def _hs_send_pending_acknowledgements(self, limit=None):
        """Send the queued acknowledgements; return how many cases were done."""
        pending = self.search([("hs_ack_pending", "=", True)], order="id", limit=limit)
        # another run (a second cron server, a manual run) may hold some:
        # never two acknowledgements, never a wait
        locked = pending.try_lock_for_update(allow_referencing=True)
        locked._hs_send_acknowledgement()
        return len(pending)

    @api.model
    @retry_soon_on_conflict
    def _hs_cron_send_acknowledgements(self, batch_size=100):
        cron = self.env["ir.cron"]
        remaining = self.search_count([("hs_ack_pending", "=", True)])
        while remaining:
            done = self._hs_send_pending_acknowledgements(limit=batch_size)
            remaining = max(remaining - done, 0)
            if cron._commit_progress(done, remaining=remaining) <= 0 or not done:
                break
