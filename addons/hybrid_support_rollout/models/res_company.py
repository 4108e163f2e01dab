from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_email_only = fields.Boolean(
        string="Support by email only",
        readonly=True,
        groups="base.group_user",
        help="The company-wide rollback: no portal link in acknowledgements "
        "and notifications, no rollout invitation nor nudge. Set and undone "
        "with a reason from the settings.",
    )
    hs_email_only_reason = fields.Text(readonly=True, groups="base.group_user")
