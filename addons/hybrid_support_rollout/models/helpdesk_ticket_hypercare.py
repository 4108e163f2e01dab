from odoo import api, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        """A new case of a customer in hypercare carries the wave's tag from
        the start, so that its SLA policy applies at routing."""
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        Wave = self.env["hybrid.support.rollout.wave"]
        if partner_ids and Wave._hypercare_active():
            tags = Wave._hypercare_tags_for_partners(
                self.env["res.partner"].sudo().browse(partner_ids)
            )
            Team = self.env["helpdesk.ticket.team"]
            for vals in vals_list:
                # the company helpdesk_mgmt will give the case
                team = Team.browse(vals.get("team_id") or [])
                company_id = (
                    team.company_id.id or vals.get("company_id") or self.env.company.id
                )
                extra = tags.get((vals.get("partner_id"), company_id))
                if extra:
                    vals["tag_ids"] = list(vals.get("tag_ids") or []) + [
                        (4, tag_id) for tag_id in sorted(extra)
                    ]
        return super().create(vals_list)
