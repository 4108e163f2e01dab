from odoo import api, models


class HybridSupportRoutingLog(models.Model):
    _inherit = "hybrid.support.routing.log"

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        # sudo: the decision's KPIs are the suite's record, whoever decided
        self.env["hybrid.support.case.kpi"].sudo()._on_routing(logs.sudo())
        return logs
