import logging
from datetime import UTC, timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import misc

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import case_actions
from ..tools.case_actions import REOPEN, SOLVED

_logger = logging.getLogger(__name__)

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"
TOKEN_SCOPE = "hybrid_support_portal.case_action"
BUTTON = (
    "display: inline-block; margin: 4px 8px 4px 0; padding: 8px 16px; "
    "border-radius: 5px; text-decoration: none; color: #fff; background-color: %s;"
)
SOLVED_COLOR, REOPEN_COLOR = "#28a745", "#6c757d"


def _timestamp(when):
    """A naive UTC datetime (the ORM's) as a UTC timestamp."""
    return int(when.replace(tzinfo=UTC).timestamp())


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hs_reminder_count = fields.Integer(
        string="Reminders sent",
        readonly=True,
        copy=False,
        help="Reminders sent since the case last started waiting on the customer.",
        groups=AGENTS,
    )
    hs_last_reminder_date = fields.Datetime(
        string="Last reminder", readonly=True, copy=False, groups=AGENTS
    )

    # -- signed links -------------------------------------------------------

    def _hs_sign(self, message):
        # sudo: the database secret keys the signature, as for portal tokens
        return misc.hmac(self.env(su=True), TOKEN_SCOPE, message)

    def _hs_action_token(self, action, partner, expires=None):
        self.ensure_one()
        if expires is None:
            days = self.team_id._hs_link_days()
            expires = fields.Datetime.now() + timedelta(days=days)
        return case_actions.make_token(
            self.id, action, partner.id, _timestamp(expires), self._hs_sign
        )

    def _hs_action_url(self, action, partner, expires=None):
        """The absolute link that performs ``action`` on the case for
        ``partner`` (after a confirmation): the only credential it needs."""
        token = self._hs_action_token(action, partner, expires=expires)
        return f"{self.get_base_url()}/support/case/{self.id}/{action}?token={token}"

    def _hs_check_action_token(self, action, token):
        """(verdict, partner) of a link presented for ``action`` on the case;
        the partner only when the verdict is valid and the partner still
        belongs to the case's account."""
        self.ensure_one()
        verdict = case_actions.check_token(
            token, self.id, action, _timestamp(fields.Datetime.now()), self._hs_sign
        )
        partner = self.env["res.partner"]
        if verdict.valid:
            partner = partner.browse(verdict.partner_id).exists()
            account = self.partner_id.commercial_partner_id
            if not partner or not (
                partner == self.partner_id
                or (account and partner.commercial_partner_id == account)
            ):
                return case_actions.Verdict(case_actions.INVALID), partner.browse()
        return verdict, partner

    def _hs_case_actions_html(self, partner):
        """The buttons of the customer's answers, for ``partner``: both on an
        open case, "I still need help" alone on a closed one."""
        self.ensure_one()
        buttons = []
        if not self.stage_id.closed:
            buttons.append(
                Markup('<a href="%s" style="%s">%s</a>')
                % (
                    self._hs_action_url(SOLVED, partner),
                    BUTTON % SOLVED_COLOR,
                    self.env._("This solved my problem"),
                )
            )
            question = self.env._("Did this answer your question?")
        else:
            question = self.env._("Is your problem back, or not solved after all?")
        buttons.append(
            Markup('<a href="%s" style="%s">%s</a>')
            % (
                self._hs_action_url(REOPEN, partner),
                BUTTON % REOPEN_COLOR,
                self.env._("I still need help"),
            )
        )
        return Markup(
            '<div class="o_hs_case_actions" style="margin: 16px 0;">'
            '<p style="margin: 0 0 4px 0;">%s</p>%s</div>'
        ) % (escape(question), Markup("").join(buttons))

    @api.depends("stage_id", "partner_id", "team_id")
    def _compute_ack_case_actions_html(self):
        for ticket in self:
            if ticket.partner_id and ticket.id:
                ticket.hs_ack_case_actions_html = ticket._hs_case_actions_html(
                    ticket.partner_id
                )
            else:
                ticket.hs_ack_case_actions_html = False

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        """The case's customer gets the answer buttons under every public
        message of the case (an agent's reply); internal users never, and
        neither do other recipients: a link acts in its customer's name."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) != 1 or not self.partner_id:
            return groups
        customer_group = next(
            (data for name, _func, data in groups if name == "portal_customer"), None
        )
        if not self._hs_portal_links_allowed(self.partner_id):
            # back to email only: no "View case" button to the portal, for
            # the customer nor their portal colleagues following the case
            for name, _func, data in groups:
                if name in ("portal_customer", "portal"):
                    data["has_button_access"] = False
        if customer_group is None or not self._hs_actions_for_message(
            message, msg_vals
        ):
            return groups
        # sudo: whether the customer is one of our users decides, not who posts
        if not self.partner_id.sudo().partner_share:
            return groups  # an internal user as customer: no customer buttons
        customer_group["hs_case_actions"] = self._hs_case_actions_html(self.partner_id)
        return groups

    def _hs_actions_for_message(self, message, msg_vals=False):
        """Whether a notification of ``message`` carries the answer buttons:
        public messages (an agent's reply); not notes, not the emails that
        carry them in their own body (acknowledgement, reminders)."""
        msg_vals = msg_vals or {}
        subtype_id = msg_vals.get("subtype_id", message.subtype_id.id)
        message_type = msg_vals.get("message_type", message.message_type)
        is_internal = msg_vals.get("is_internal", message.is_internal)
        if message_type not in ("comment", "email", "email_outgoing") or is_internal:
            return False
        subtype = self.env["mail.message.subtype"].browse(subtype_id)
        return bool(subtype) and not subtype.sudo().internal

    # -- the customer's answers ----------------------------------------------

    def _hs_stage_for(self, kind):
        """The team's stage of ``kind`` ("solved" or "in_progress") for the case."""
        self.ensure_one()
        team = self.team_id
        if kind == SOLVED:
            return team._hs_solved_stage(self.company_id)
        return team._hs_in_progress_stage(self.company_id)

    def _hs_waiting_on_customer(self):
        """Cases of self in a stage that waits on the customer: a pausing
        stage of the service levels that may apply to them."""
        return self.filtered(
            lambda t: (
                not t.stage_id.closed
                and t.stage_id in t.team_id._hs_waiting_stages(t.company_id)
            )
        )

    def _hs_apply_customer_action(self, action, partner):
        """Do what ``partner`` answered from a link of our emails, log it on
        the case in their name, and say what happened: "closed",
        "already_closed", "reopened", "resumed" or "noted".

        Called in sudo by the link's controller once the signed token was
        checked: the token is the credential, not the visitor's session."""
        self.ensure_one()
        closed = self.stage_id.closed
        if action == SOLVED:
            if closed:
                return "already_closed"
            stage = self._hs_stage_for(SOLVED)
            if not stage:
                return "noted"
            self.stage_id = stage
            self._hs_log_customer_action(
                self.env._(
                    "The customer marked the case as solved (link in an email)."
                ),
                partner,
            )
            return "closed"
        waiting = self._hs_waiting_on_customer()
        stage = self._hs_stage_for("in_progress")
        if closed and stage:
            self.write(
                {"stage_id": stage.id, "hs_reopen_count": self.hs_reopen_count + 1}
            )
            outcome = "reopened"
            note = self.env._(
                "The customer still needs help: the case is reopened (link in an email)."
            )
        elif waiting and stage:
            self.stage_id = stage
            outcome = "resumed"
            note = self.env._(
                "The customer still needs help: the case is back in progress "
                "(link in an email)."
            )
        else:
            outcome = "noted"
            note = self.env._("The customer still needs help (link in an email).")
        # the agent in charge hears of it at once
        self._hs_log_customer_action(note, partner, notify=self.user_id.partner_id)
        return outcome

    def _hs_log_customer_action(self, note, author, notify=None):
        """A note on the case written in the name of the customer who
        answered; ``notify`` (partners) are told at once."""
        self.message_post(
            body=note,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=notify.ids if notify else [],
        )

    # -- a customer's reply to a case waiting on them -----------------------

    def _message_post_after_hook(self, message, msg_values):
        """A customer's reply (email or portal) to a case waiting on them
        puts it back in progress; the stage change resumes the service-level
        clocks (escalation). Notes, agents' messages, auto-replies and
        imported history move nothing."""
        result = super()._message_post_after_hook(message, msg_values)
        gateway = self.env.context.get("hs_gateway") or {}
        if (
            self.env.context.get("hs_import")
            or gateway.get("automation_reason")
            or message.message_type not in ("email", "comment")
            or message.is_internal
        ):
            return result
        # the email that makes a case answers nothing: no query for it
        replied = self.filtered(lambda t: t.hs_source_message_id != message.message_id)
        if not replied:
            return result
        # sudo: whether the author is one of our users is not the poster's business
        author = message.author_id.sudo()
        if author and not author.partner_share:
            return result
        if not self._hs_public_message(message):
            return result
        # sudo: a customer may not write the case's stage; their reply may
        replied.sudo()._hs_waiting_on_customer()._hs_back_in_progress()
        return result

    def _hs_back_in_progress(self):
        for ticket in self:
            stage = ticket._hs_stage_for("in_progress")
            if stage and stage != ticket.stage_id:
                ticket.stage_id = stage

    def write(self, vals):
        result = super().write(vals)
        if "stage_id" in vals:
            # a new wait starts a new series of reminders; sudo: whoever
            # moves the case (an agent, a customer's answer) restarts it
            reminded = self.sudo().filtered(
                lambda t: t.hs_reminder_count or t.hs_last_reminder_date
            )
            if reminded:
                reminded.write({"hs_reminder_count": 0, "hs_last_reminder_date": False})
        return result

    # -- reminders of cases waiting on the customer ------------------------

    @api.model
    def _hs_reminder_due_domain(self, now, teams=None):
        """Cases whose customer has been silent for their team's delay
        (since the case started waiting, or since the last reminder), of
        ``teams`` (default: all) that remind; never machine-sent cases,
        blacklisted or unknown addresses. One condition per team: its delay
        in its working hours."""
        Team = self.env["helpdesk.ticket.team"]
        reminding = [("hs_reminder_enabled", "=", True)]
        if teams is not None:
            reminding.append(("id", "in", teams.ids))
        per_team = []
        for team in Team.search(reminding):
            stages = team._hs_waiting_stages(team.company_id)
            if not stages:
                continue
            cutoff = team._hs_reminder_cutoff(now)
            per_team.append(
                Domain("team_id", "=", team.id)
                & Domain("stage_id", "in", stages.ids)
                & Domain("last_stage_update", "<=", cutoff)
                & (
                    Domain("hs_last_reminder_date", "=", False)
                    | Domain("hs_last_reminder_date", "<=", cutoff)
                )
            )
        if not per_team:
            return Domain.FALSE
        return Domain.OR(per_team) & Domain(
            [
                ("closed", "=", False),
                ("hs_automated_reason", "=", False),
                ("partner_id.email_normalized", "!=", False),
                ("partner_id.is_blacklisted", "=", False),
            ]
        )

    @api.model
    def _hs_remind_waiting_customers(self, limit=100, teams=None):
        """One batch: remind, or close after the last reminder, the due
        cases (of ``teams``, default all) no other transaction holds
        (another cron worker, an agent, the mail gateway). Returns how many
        cases were handled."""
        now = fields.Datetime.now()
        domain = self._hs_reminder_due_domain(now, teams=teams)
        due = self.search(domain, order="id", limit=limit)
        # a case another worker is reminding is locked until it commits,
        # and then no longer due: never two reminders, never a wait
        held = due.try_lock_for_update(allow_referencing=True)
        remind = held.filtered(
            lambda t: (
                case_actions.next_reminder_step(
                    t.hs_reminder_count, t.team_id.hs_reminder_max
                )
                == case_actions.REMIND
            )
        )
        remind._hs_post_from_template(
            "hybrid_support_portal.mail_template_waiting_reminder"
        )
        for ticket in remind:
            ticket.write(
                {
                    "hs_reminder_count": ticket.hs_reminder_count + 1,
                    "hs_last_reminder_date": now,
                }
            )
        close = held - remind
        closed = self.browse()
        for ticket in close:
            stage = ticket._hs_stage_for(SOLVED)
            if not stage:
                # no closed stage for its team: asked again one delay later
                ticket.hs_last_reminder_date = now
                continue
            ticket.stage_id = stage
            ticket.message_post(
                body=self.env._(
                    "Closed automatically: the customer answered none of the "
                    "%(count)s reminders.",
                    count=ticket.team_id.hs_reminder_max,
                ),
                subtype_xmlid="mail.mt_note",
            )
            closed |= ticket
        closed._hs_post_from_template(
            "hybrid_support_portal.mail_template_waiting_closed"
        )
        if held:
            self.env["ir.cron"]._hs_trigger_in_slot(
                ["mail.ir_cron_mail_scheduler_action"]
            )
        return len(held)

    @api.model
    @retry_soon_on_conflict
    def _hs_cron_remind_waiting_customers(self, batch_size=100):
        cron = self.env["ir.cron"]
        while True:
            done = self._hs_remind_waiting_customers(limit=batch_size)
            if not done or cron._commit_progress(done) <= 0 or done < batch_size:
                break

    def _hs_post_from_template(self, xmlid):
        """Post the template to each case's customer, rendered once for the
        batch, as the acknowledgement is (its buttons are in its body)."""
        template = self.env.ref(xmlid, raise_if_not_found=False)
        if not template or not self:
            return
        subjects = template._render_field("subject", self.ids, compute_lang=True)
        bodies = template._render_field("body_html", self.ids, compute_lang=True)
        for ticket in self:
            ticket.message_post(
                body=bodies[ticket.id],
                subject=subjects[ticket.id],
                partner_ids=ticket.partner_id.ids,
                author_id=ticket.company_id.partner_id.id,
                message_type="auto_comment",
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )
