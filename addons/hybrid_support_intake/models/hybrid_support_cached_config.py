from odoo import api, models


class HybridSupportCachedConfig(models.AbstractModel):
    """Configuration the gateway reads for every email from an ormcache:
    any change to it clears the cache."""

    _name = "hybrid.support.cached.config"
    _description = "Configuration cached for the mail gateway"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
