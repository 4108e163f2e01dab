from odoo import fields, models
from odoo.exceptions import AccessError

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"


class DigestDigest(models.Model):
    """Support KPIs in Odoo's periodic digest emails, from the stored KPIs of
    the cases of the digest's period (``hybrid.support.kpi.report``)."""

    _inherit = "digest.digest"

    kpi_hs_cases_opened = fields.Boolean("Support cases opened")
    kpi_hs_cases_opened_value = fields.Integer(compute="_compute_kpi_hs_values")
    kpi_hs_first_response = fields.Boolean("First response (working hours)")
    kpi_hs_first_response_value = fields.Float(
        digits=(16, 1), compute="_compute_kpi_hs_values"
    )
    kpi_hs_fcr = fields.Boolean("First-contact resolution (%)")
    kpi_hs_fcr_value = fields.Float(digits=(16, 1), compute="_compute_kpi_hs_values")
    kpi_hs_sla = fields.Boolean("SLA met (%)")
    kpi_hs_sla_value = fields.Float(digits=(16, 1), compute="_compute_kpi_hs_values")
    kpi_hs_csat = fields.Boolean("Customer satisfaction (1-5)")
    kpi_hs_csat_value = fields.Float(digits=(16, 2), compute="_compute_kpi_hs_values")

    def _compute_kpi_hs_values(self):
        if not self.env.user.has_group(MANAGERS):
            raise AccessError(self.env._("Support KPIs are for helpdesk managers."))
        start, end, companies = self._get_kpi_compute_parameters()
        report = self.env["hybrid.support.kpi.report"]
        base = [("company_id", "in", companies.ids)]
        [(opened, first_response)] = report._read_group(
            base + [("create_date", ">=", start), ("create_date", "<", end)],
            [],
            ["__count", "first_response_hours:avg"],
        )
        [(fcr, sla, csat)] = report._read_group(
            base + [("closed_date", ">=", start), ("closed_date", "<", end)],
            [],
            ["fcr_rate:avg", "sla_rate:avg", "rating:avg"],
        )
        for digest in self:
            digest.kpi_hs_cases_opened_value = opened
            digest.kpi_hs_first_response_value = first_response or 0.0
            digest.kpi_hs_fcr_value = fcr or 0.0
            digest.kpi_hs_sla_value = sla or 0.0
            digest.kpi_hs_csat_value = csat or 0.0

    def _compute_kpis_actions(self, company, user):
        result = super()._compute_kpis_actions(company, user)
        action = "hybrid_support_escalation.hybrid_support_kpi_report_action"
        for name in ("cases_opened", "first_response", "fcr", "sla", "csat"):
            result[f"kpi_hs_{name}"] = action
        return result
