from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize

from odoo.addons.hybrid_support_escalation.tools import health
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..tools.support_roles import (
    ROLES,
    account_summary,
    health_level,
    team_change_refusal,
)

ROLE_KEYS = {key for key, _label in ROLES}
# service levels shown over this period of the account's cases
SERVICE_LEVEL_DAYS = 90


class CustomerPortalSupportTeam(CustomerPortal):
    """The company support admin's page: the account's service levels and
    health in customer words, and its people (invite, role, revoke).

    Every route checks that the logged-in user is a portal user whose
    contact is a company support admin, and that the contact it touches is
    one of the same account's people; the work is then done with sudo,
    since portal users have no right on res.partner, res.users or
    portal.wizard. Changes are logged (hybrid.support.portal.team.log)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hs_support_team_count" in counters:
            admin = self._hs_support_admin()
            values["hs_support_team_count"] = (
                len(
                    admin.commercial_partner_id._hs_support_team().filtered(
                        lambda p: p._hs_portal_access() == "portal"
                    )
                )
                if admin
                else 0
            )
        return values

    def _validate_address_values(
        self,
        address_values,
        partner_sudo,
        address_type,
        use_delivery_as_billing,
        required_fields,
        **kwargs,
    ):
        """Core's address form (``/my/address/submit``) lets a customer
        change their email; never to the address of another account's
        contact, whose emails the gateway would then give to this one
        (res.partner._hs_address_used_elsewhere; its write refuses it too)."""
        invalid, missing, messages = super()._validate_address_values(
            address_values,
            partner_sudo,
            address_type,
            use_delivery_as_billing,
            required_fields,
            **kwargs,
        )
        email = address_values.get("email")
        user = request.env.user
        if email and not user._is_internal():
            account = (partner_sudo or user.partner_id).commercial_partner_id
            Partner = request.env["res.partner"]
            changed = email_normalize(email) != (partner_sudo.email_normalized or "")
            if changed and Partner._hs_address_used_elsewhere(email, account):
                invalid.add("email")
                messages.append(Partner._hs_address_used_elsewhere_message())
        return invalid, missing, messages

    def _hs_support_admin(self):
        """The logged-in portal user's contact (sudo) when it is a company
        support admin, else an empty recordset."""
        user = request.env.user
        if user._is_public() or not user._is_portal():
            return request.env["res.partner"]
        # sudo: roles are back-office fields; the portal user reads them here
        partner = user.partner_id.sudo()
        return partner if partner._hs_is_support_admin() else partner.browse()

    def _hs_team_contact(self, admin, contact_id):
        """(contact sudo, refusal code or None) for a contact the admin acts on."""
        account = admin.commercial_partner_id
        contact = account._hs_support_team().filtered(lambda p: p.id == contact_id)
        refusal = team_change_refusal(
            admin.id,
            account.id,
            contact.id,
            contact.commercial_partner_id.id if contact else None,
            bool(contact) and contact._hs_portal_access() == "internal",
        )
        return contact, refusal

    def _hs_guard(self, contact_id=None, admin=None):
        """The check every action of the team page starts with:
        ``(admin, contact, refused)``. ``refused`` is the response to return
        instead of acting: the logged-in user is no company support admin, or
        ``contact_id`` (when given) is not one of the account's people the
        admin may change. ``admin`` and ``contact`` are sudo records."""
        admin = admin or self._hs_support_admin()
        if not admin:
            return admin, None, request.redirect("/my")
        contact = request.env["res.partner"]
        if contact_id is not None:
            contact, refusal = self._hs_team_contact(admin, contact_id)
            if refusal:
                return admin, contact, self._hs_back(error=refusal)
        return admin, contact, None

    @staticmethod
    def _hs_set_role(contact, role):
        contact.write({"hs_support_role": role[0], "hs_support_company_cases": role[1]})

    @staticmethod
    def _hs_role_values(kw):
        """(role, sees company cases) from a posted form, or None if invalid."""
        role = kw.get("role")
        if role not in ROLE_KEYS:
            return None
        return role, role == "admin" or bool(kw.get("company_cases"))

    @staticmethod
    def _hs_back(**params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return request.redirect(
            f"/my/support/team?{query}" if query else "/my/support/team"
        )

    @http.route(
        "/my/support/team", type="http", auth="user", methods=["GET"], website=True
    )
    def portal_support_team(self, msg=None, error=None, **kw):
        admin = self._hs_support_admin()
        if not admin:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(self._hs_support_team_values(admin))
        values.update(
            {
                "page_name": "support_team",
                "hs_message": self._hs_messages().get(msg),
                "hs_error": self._hs_errors().get(error),
            }
        )
        return request.render("hybrid_support_portal.portal_support_team", values)

    def _hs_support_team_values(self, admin):
        """Values of the team page for ``admin`` (a sudo contact)."""
        account = admin.commercial_partner_id
        now = fields.Datetime.now()
        facts = account._hs_health_facts(account, now)[account]
        score, _parts = health.score(facts)
        members = [
            {
                "contact": contact,
                "role": contact._hs_support_role(),
                "company_cases": contact.hs_support_company_cases,
                "access": contact._hs_portal_access(),
                "user": contact._hs_portal_user(),
                "is_me": contact == admin,
            }
            for contact in account._hs_support_team()
        ]
        return {
            "hs_account": account,
            "hs_team": members,
            "hs_roles": ROLES,
            "hs_health_level": health_level(score),
            "hs_summary": account_summary(facts),
            "hs_service_levels": self._hs_service_levels(account, now),
            "hs_log": account.hs_support_team_log_ids[:10],
        }

    def _hs_service_levels(self, account, now):
        """The service levels the account's recent cases ran under, with how
        many were on time: one grouped query."""
        # sudo: SLA policies and statuses are back-office data; only the
        # policy's targets and the account's counts leave
        groups = (
            request.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "=", account.id),
                    ("create_date", ">=", now - timedelta(days=SERVICE_LEVEL_DAYS)),
                    ("hs_sla_policy_id", "!=", False),
                ],
                ["hs_sla_policy_id", "hs_sla_status"],
                ["__count"],
            )
        )
        levels = {}
        for policy, status, count in groups:
            level = levels.setdefault(
                policy,
                {"policy": policy, "cases": 0, "late": 0},
            )
            level["cases"] += count
            if status == "breached":
                level["late"] += count
        return sorted(levels.values(), key=lambda level: level["policy"].sequence)

    def _hs_messages(self):
        return {
            "invited": request.env._("The invitation was sent."),
            "role": request.env._("The role was changed."),
            "revoked": request.env._("The portal access was revoked."),
        }

    def _hs_errors(self):
        return {
            "not_found": request.env._(
                "This contact is not one of your company's contacts."
            ),
            "internal": request.env._(
                "This contact is one of our staff: their access is ours to manage."
            ),
            "self": request.env._(
                "You cannot change your own role or access; ask another "
                "company support admin or our team."
            ),
            "role": request.env._("Choose a role."),
            "email": request.env._(
                "Give the name and a valid email address of your colleague."
            ),
            "email_elsewhere": request.env[
                "res.partner"
            ]._hs_address_used_elsewhere_message(),
            "no_access": request.env._("This contact has no portal access."),
            "invitation": request.env._("The invitation could not be sent:"),
        }

    @http.route(
        "/my/support/team/invite",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_team_invite(self, contact_id=None, name=None, email=None, **kw):
        admin, contact, refused = self._hs_guard()
        if refused:
            return refused
        role = self._hs_role_values(kw)
        if not role:
            return self._hs_back(error="role")
        account = admin.commercial_partner_id
        if contact_id:
            try:
                contact_id = int(contact_id)
            except ValueError:
                return self._hs_back(error="not_found")
            _admin, contact, refused = self._hs_guard(contact_id, admin)
            if refused:
                return refused
        else:
            email = email_normalize(email or "")
            name = (name or "").strip()
            if not email or not name:
                return self._hs_back(error="email")
            contact = account._hs_support_team().filtered(
                lambda p: p.email_normalized == email
            )[:1]
            if contact:
                refused = self._hs_guard(contact.id, admin)[2]
                if refused:
                    return refused
            elif contact._hs_address_used_elsewhere(email, account):
                return self._hs_back(error="email_elsewhere")
        try:
            with request.env.cr.savepoint():
                if not contact:
                    # sudo: the admin adds a person to their own account only
                    contact = (
                        request.env["res.partner"]
                        .sudo()
                        .create(
                            {
                                "name": name[:128],
                                "email": email,
                                "parent_id": account.id,
                                "type": "contact",
                                "company_id": account.company_id.id,
                            }
                        )
                    )
                self._hs_set_role(contact, role)
                contact._hs_grant_portal_access()
        except UserError as error:
            # rendered, not redirected: the wizard's words never travel in a URL
            values = self._prepare_portal_layout_values()
            values.update(self._hs_support_team_values(admin))
            values.update(
                {
                    "page_name": "support_team",
                    "hs_error": self._hs_errors()["invitation"],
                    "hs_error_text": str(error),
                }
            )
            return request.render("hybrid_support_portal.portal_support_team", values)
        return self._hs_back(msg="invited")

    @http.route(
        "/my/support/team/<int:contact_id>/role",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_team_role(self, contact_id, **kw):
        _admin, contact, refused = self._hs_guard(contact_id)
        if refused:
            return refused
        role = self._hs_role_values(kw)
        if not role:
            return self._hs_back(error="role")
        self._hs_set_role(contact, role)
        return self._hs_back(msg="role")

    @http.route(
        "/my/support/team/<int:contact_id>/revoke",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_team_revoke(self, contact_id, **kw):
        _admin, contact, refused = self._hs_guard(contact_id)
        if refused:
            return refused
        if contact._hs_portal_access() != "portal":
            return self._hs_back(error="no_access")
        contact._hs_revoke_portal_access()
        return self._hs_back(msg="revoked")
