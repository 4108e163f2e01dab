from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import case_actions
from ..tools.case_actions import SOLVED

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class HybridSupportWaitingReminderMixin(models.AbstractModel):
    """Reminders of cases waiting on the customer: after the team's delay in
    its working hours, the customer is reminded, up to the team's number of
    reminders, then the case is closed; the cron sends them in batches that
    skip the cases another transaction holds.

    Composed into ``helpdesk.ticket`` (it reads the case's team, stage and
    customer, and moves the case with ``_hs_stage_for`` of
    hybrid.support.case.action.mixin); the ticket's ``write`` restarts the
    series when the case changes stage."""

    _name = "hybrid.support.waiting.reminder.mixin"
    _description = "Reminders of cases waiting on the customer"

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
