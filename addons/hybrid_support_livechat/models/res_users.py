from odoo import models

from odoo.addons.mail.tools.discuss import Store


class ResUsers(models.Model):
    _inherit = "res.users"

    def _init_store_data(self, store: Store):
        result = super()._init_store_data(store)
        # the chat window offers /case and its button to whoever may open cases
        store.add_global_values(
            has_access_create_case=self.env.user._is_internal()
            and self.env["helpdesk.ticket"].has_access("create")
        )
        return result
