from odoo import api, fields, models

from ..tools import onboarding as onboarding_tools

ONBOARDING = "hybrid_support_dashboard.onboarding_hybrid_support"
STEP = "hybrid_support_dashboard.onboarding_step_{}"
DONE_STATES = ("just_done", "done")


class HybridSupportOnboarding(models.TransientModel):
    """The getting-started checklist of a helpdesk manager, on Odoo's
    onboarding module: the steps are ``onboarding.onboarding.step`` records
    and their state is its per-company progress. Opening the checklist marks
    done every step whose thing exists (``_done_keys``); "review the
    acknowledgement" is done by opening it from here."""

    _name = "hybrid.support.onboarding"
    _description = "Hybrid Support: getting started"

    company_id = fields.Many2one("res.company", default=lambda s: s.env.company)
    done_count = fields.Integer(readonly=True)
    step_count = fields.Integer(readonly=True)
    mailbox_done = fields.Boolean(readonly=True)
    alias_domain_done = fields.Boolean(readonly=True)
    acknowledgement_done = fields.Boolean(readonly=True)
    sla_policy_done = fields.Boolean(readonly=True)
    routing_rule_done = fields.Boolean(readonly=True)
    pilot_customer_done = fields.Boolean(readonly=True)

    def _compute_display_name(self):
        for checklist in self:
            checklist.display_name = self.env._("Getting started")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        self._validate(self._done_keys())
        done = self._state()
        for key in onboarding_tools.KEYS:
            values[f"{key}_done"] = key in done
        values["done_count"], values["step_count"], _next = onboarding_tools.progress(
            done
        )
        return values

    @api.model
    def _done_keys(self):
        """The steps whose thing exists for the current company."""
        company = self.env.company
        # sudo: whether these exist, not what they are: a helpdesk manager
        # may not read mail servers or users
        checks = {
            "mailbox": lambda: (
                self.env["fetchmail.server"]
                .sudo()
                .search_count([("state", "=", "done")], limit=1)
            ),
            "alias_domain": lambda: bool(company.sudo().alias_domain_id),
            "sla_policy": lambda: (
                self.env["hybrid.support.sla.policy"]
                .sudo()
                .search_count([("company_id", "in", [company.id, False])], limit=1)
            ),
            "routing_rule": lambda: (
                self.env["hybrid.support.routing.rule"]
                .sudo()
                .search_count([("company_id", "in", [company.id, False])], limit=1)
            ),
            "pilot_customer": lambda: (
                self.env["res.users"]
                .sudo()
                .search_count(
                    [("share", "=", True), ("company_ids", "in", company.ids)], limit=1
                )
            ),
        }
        return {key for key, check in checks.items() if check()}

    @api.model
    def _validate(self, keys):
        # sudo: the progress is the checklist's own record (Odoo's onboarding
        # models are for administrators); only our steps are validated
        onboarding = self.env.ref(ONBOARDING).sudo()
        onboarding._search_or_create_progress()
        Step = self.env["onboarding.onboarding.step"].sudo()
        for key in keys:
            Step.action_validate_step(STEP.format(key))

    @api.model
    def _state(self):
        """The keys of the steps done for the current company."""
        done = set()
        for key in onboarding_tools.KEYS:
            # sudo: see _validate
            step = self.env.ref(STEP.format(key)).sudo()
            if step.current_step_state in DONE_STATES:
                done.add(key)
        return done

    def _open(self, key):
        # called over RPC with any ids, even none: the checklist is the
        # managers' (and the acknowledgement's step is validated in sudo)
        self.check_access("write")
        action = getattr(
            self.env["onboarding.onboarding.step"], f"action_open_step_hs_{key}"
        )()
        if key == "acknowledgement":
            self._validate([key])
        return action

    def action_open_mailbox(self):
        return self._open("mailbox")

    def action_open_alias_domain(self):
        return self._open("alias_domain")

    def action_open_acknowledgement(self):
        return self._open("acknowledgement")

    def action_open_sla_policy(self):
        return self._open("sla_policy")

    def action_open_routing_rule(self):
        return self._open("routing_rule")

    def action_open_pilot_customer(self):
        return self._open("pilot_customer")
