import logging

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.feedback import FEEDBACK_STATES

_logger = logging.getLogger(__name__)

HYPERCARE_TAG = "hybrid_support_rollout.helpdesk_ticket_tag_hypercare"
# fields whose change may change which cases carry a hypercare tag
HYPERCARE_FIELDS = ("state", "partner_ids", "hypercare_tag_id", "active", "company_id")
# the waves in hypercare, in the cursor's cache: read once per transaction
# (see _hypercare_coverage)
COVERAGE_CACHE = "hybrid_support_rollout.hypercare_coverage"


class HybridSupportRolloutWave(models.Model):
    """Hypercare and feedback of a wave.

    While a wave is in hypercare, the open cases of its customers carry its
    hypercare tag, which the SLA policies of hybrid_support_escalation can
    match (a tighter service level); the tag goes when no wave in hypercare
    covers the customer any more. The tagging is a reconciliation, not a
    history: whatever the waves' states and customers are now decide which
    cases carry each tag, so running it twice changes nothing. It runs when
    a wave's state or customers change, on new cases, and hourly (cases
    that arrived through paths the hook does not see)."""

    _inherit = "hybrid.support.rollout.wave"

    hypercare_tag_id = fields.Many2one(
        "helpdesk.ticket.tag",
        string="Hypercare tag",
        default=lambda self: self.env.ref(HYPERCARE_TAG, raise_if_not_found=False),
        domain=[("hs_hypercare", "=", True)],
        help="A tag dedicated to hypercare (see the tag's Hypercare box; "
        "managers only). Added to the customers' open and new cases during hypercare, "
        "removed when it ends; an SLA policy matching it gives them a "
        "tighter service level.",
    )
    feedback_enabled = fields.Boolean(
        string="Portal feedback",
        default=True,
        help="The wave's customers find a Feedback page in their portal while "
        "the wave is in pilot or hypercare.",
    )
    feedback_ids = fields.One2many("hybrid.support.rollout.feedback", "wave_id")
    feedback_count = fields.Integer(compute="_compute_feedback_count")

    def _compute_feedback_count(self):
        counts = dict(
            self.env["hybrid.support.rollout.feedback"]._read_group(
                [("wave_id", "in", self.ids)], ["wave_id"], ["__count"]
            )
        )
        for wave in self:
            wave.feedback_count = counts.get(wave, 0)

    def action_open_feedback(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_rollout.hybrid_support_rollout_feedback_action"
        )
        action["domain"] = [("wave_id", "=", self.id)]
        action["context"] = {}
        return action

    # -- hypercare ------------------------------------------------------------

    @api.constrains("hypercare_tag_id")
    def _check_hypercare_tag(self):
        """The hourly job removes a hypercare tag from every case no wave in
        hypercare covers: only a tag dedicated to hypercare may be one."""
        for wave in self:
            # sudo: the tag's flag, whoever may read the wave
            tag = wave.sudo().hypercare_tag_id
            if tag and not tag.hs_hypercare:
                raise ValidationError(
                    self.env._(
                        "%(tag)s is not a hypercare tag: tick Hypercare on the "
                        "tag (a helpdesk manager) or choose another.",
                        tag=tag.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.cr.cache.pop(COVERAGE_CACHE, None)
        waves = super().create(vals_list)
        self.env.registry.clear_cache()  # _hypercare_active
        self.env.cr.cache.pop(COVERAGE_CACHE, None)
        return waves

    def write(self, vals):
        watched = any(name in vals for name in HYPERCARE_FIELDS)
        tags = self.hypercare_tag_id if watched else None
        if watched:
            self.env.cr.cache.pop(COVERAGE_CACHE, None)
        result = super().write(vals)
        if watched:
            # every worker and server drops its _hypercare_active (Odoo's
            # registry signalling goes through the database)
            self.env.registry.clear_cache()
            self.env.cr.cache.pop(COVERAGE_CACHE, None)
            self.env["hybrid.support.rollout.wave"]._hypercare_sync(
                tags | self.hypercare_tag_id
            )
        return result

    @api.model
    def _hypercare_customers_domain(self, waves):
        """Cases of the customers of ``waves`` in each wave's company: its
        chosen contacts, and everyone of its chosen companies."""
        domain = Domain.FALSE
        for wave in waves:
            chosen = wave.partner_ids
            companies = chosen.filtered("is_company")
            contacts = chosen - companies
            customers = Domain.FALSE
            if companies:
                customers |= Domain("commercial_partner_id", "in", companies.ids)
            if contacts:
                customers |= Domain("partner_id", "in", contacts.ids)
            domain |= customers & Domain("company_id", "=", wave.company_id.id)
        return domain

    def unlink(self):
        self.env.cr.cache.pop(COVERAGE_CACHE, None)
        result = super().unlink()
        self.env.registry.clear_cache()  # _hypercare_active
        self.env.cr.cache.pop(COVERAGE_CACHE, None)
        return result

    @api.model
    @tools.ormcache()
    def _hypercare_active(self):
        """Whether any wave is in hypercare: cached until a wave changes, so
        that a new case costs no query when none is (the usual state: a
        hypercare period lasts weeks, cases arrive every minute)."""
        # sudo: a case's creator (the mail gateway, a portal user) asks
        return bool(
            self.sudo().search_count(
                [("state", "=", "hypercare"), ("hypercare_tag_id", "!=", False)],
                limit=1,
            )
        )

    @api.model
    def _hypercare_coverage(self):
        """((hypercare tag id, company id, ids of the chosen customers), ...)
        of the waves in hypercare. Read once per transaction and kept in the
        cursor's cache, which Odoo empties at commit and rollback: each
        transaction reads what PostgreSQL holds, nothing outlives it; a
        change of a wave empties it at once."""
        by_active_test = self.env.cr.cache.setdefault(COVERAGE_CACHE, {})
        active_test = self.env.context.get("active_test", True)
        if active_test not in by_active_test:
            # sudo: a case's requester is matched against every wave, whoever
            # (the mail gateway, a portal user) makes the case
            waves = self.sudo().search(
                [("state", "=", "hypercare"), ("hypercare_tag_id", "!=", False)]
            )
            by_active_test[active_test] = tuple(
                (
                    wave.hypercare_tag_id.id,
                    wave.company_id.id,
                    frozenset(wave.partner_ids.ids),
                )
                for wave in waves
            )
        return by_active_test[active_test]

    @api.model
    def _hypercare_tags_for_partners(self, partners):
        """{(partner id, company id): hypercare tag ids} of the waves in
        hypercare covering each of ``partners``: no query on the waves but
        the first of the transaction (see _hypercare_coverage)."""
        result = {}
        for tag_id, company_id, chosen in self._hypercare_coverage():
            for partner in partners:
                if partner.id in chosen or partner.commercial_partner_id.id in chosen:
                    result.setdefault((partner.id, company_id), set()).add(tag_id)
        return result

    @api.model
    def _hypercare_sync(self, tags=None):
        """Make the cases carrying each hypercare tag exactly the open cases
        of the customers of the waves in hypercare with it (closed cases
        keep it until the tag is no longer needed at all). Returns the tags
        done; a tag another transaction is syncing is left to that one and
        the hourly job (never waits, never fails on it)."""
        # sudo: the tag follows the waves, whoever changes them; agents
        # owning a wave may not see every case of its customers
        Wave = self.sudo().with_context(active_test=True)
        Ticket = self.env["helpdesk.ticket"].sudo()
        if tags is None:
            tags = Wave.search([("hypercare_tag_id", "!=", False)]).hypercare_tag_id
            tags |= self.env.ref(HYPERCARE_TAG, raise_if_not_found=False) or tags
        # only tags dedicated to hypercare are ever added or removed
        tags = tags.sudo().filtered("hs_hypercare")
        done = tags.browse()
        for tag in tags:
            [[locked]] = self.env.execute_query(
                SQL(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    _lock_namespace(),
                    tag.id,
                )
            )
            if not locked:
                self.env.ref(
                    "hybrid_support_rollout.ir_cron_rollout_hypercare"
                )._trigger()
                continue
            waves = Wave.search(
                [("state", "=", "hypercare"), ("hypercare_tag_id", "=", tag.id)]
            )
            covered = self._hypercare_customers_domain(waves)
            add = Ticket.search(
                covered
                & Domain("stage_id.closed", "=", False)
                & Domain("tag_ids", "not in", tag.ids)
            )
            remove = Ticket.search(Domain("tag_ids", "in", tag.ids) & ~covered)
            if add:
                add.write({"tag_ids": [(4, tag.id)]})
            if remove:
                remove.write({"tag_ids": [(3, tag.id)]})
            if add or remove:
                _logger.info(
                    "Hypercare tag %s: added to %s cases, removed from %s",
                    tag.display_name,
                    len(add),
                    len(remove),
                )
            done |= tag
        return done

    @api.model
    def _cron_hypercare(self):
        self._hypercare_sync()

    # -- feedback -------------------------------------------------------------

    @api.model
    def _feedback_waves(self, partner):
        """The waves asking ``partner`` (a contact) for feedback now: in
        pilot or hypercare, feedback on, covering the contact or its
        company. The caller passes a sudo environment (portal users read no
        wave)."""
        if not partner:
            return self.browse()
        return self._waves_of_partners(partner, states=FEEDBACK_STATES).filtered(
            "feedback_enabled"
        )


def _lock_namespace():
    """The first key of the advisory locks of hypercare tags (the second is
    the tag's id): a constant of this addon, so no other lock collides."""
    return 16_160_001
