"""A wave's world: a customer account with contacts in every situation the
invitation job meets, a manager, an owner and an agent."""

from odoo.tests import new_test_user


class RolloutMixin:
    @classmethod
    def _setup_rollout(cls):
        env = cls.env
        cls.manager = new_test_user(
            env,
            login="hs_rollout_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.account = env["res.partner"].create(
            {
                "name": "Acme Rollout",
                "is_company": True,
                "email": "info@acme-ro.example",
            }
        )

        def contact(name, **values):
            return env["res.partner"].create(
                dict(
                    {
                        "name": name,
                        "email": f"{name.lower().replace(' ', '.')}@acme-ro.example",
                        "parent_id": cls.account.id,
                    },
                    **values,
                )
            )

        cls.newcomer = contact("Nora New")
        cls.portal_contact = contact("Paul Portal")
        cls.portal_user = new_test_user(
            env,
            login="hs_rollout_paul",
            groups="base.group_portal",
            partner_id=cls.portal_contact.id,
            name=cls.portal_contact.name,
            email=cls.portal_contact.email,
        )
        cls.employee_contact = contact("Ivan Internal")
        new_test_user(
            env,
            login="hs_rollout_ivan",
            groups="base.group_user",
            partner_id=cls.employee_contact.id,
            name=cls.employee_contact.name,
            email=cls.employee_contact.email,
        )
        cls.blacklisted = contact("Bella Blacklisted")
        env["mail.blacklist"].create({"email": cls.blacklisted.email})
        cls.opted_out = contact("Olga Optout", hs_rollout_opt_out=True)
        cls.billing = contact("Bill Billing", hs_support_role="none")
        cls.no_email = contact("Nemo Noemail", email=False)
        cls.wave = (
            env["hybrid.support.rollout.wave"]
            .with_user(cls.manager)
            .create(
                {
                    "name": "Pilot: Acme",
                    "partner_ids": [(6, 0, cls.account.ids)],
                    "welcome_message": "Acme moves to the portal first.",
                }
            )
        )

    def member(self, partner, wave=None):
        return (wave or self.wave).member_ids.filtered(
            lambda m: m.partner_id == partner
        )
