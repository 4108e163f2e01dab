from odoo import api, fields, models

from ..tools import adoption


class HybridSupportRolloutWaveAdoption(models.AbstractModel):
    """A wave's adoption figures: sums of its contact rows (measured by the
    job of hybrid.support.rollout.member, see tools.adoption), composed into
    hybrid.support.rollout.wave (whose member_ids they read)."""

    _name = "hybrid.support.rollout.wave.adoption"
    _description = "Adoption figures of a portal rollout wave"

    contact_count = fields.Integer(compute="_compute_adoption", string="Contacts")
    invited_count = fields.Integer(compute="_compute_adoption", string="Invited")
    had_access_count = fields.Integer(
        compute="_compute_adoption", string="Already had access"
    )
    skipped_count = fields.Integer(compute="_compute_adoption", string="Skipped")
    failed_count = fields.Integer(compute="_compute_adoption", string="Failed")
    pending_count = fields.Integer(compute="_compute_adoption", string="To invite")
    activated_count = fields.Integer(compute="_compute_adoption", string="Activated")
    activation_rate = fields.Float(
        compute="_compute_adoption",
        string="Activation (%)",
        help="Activated among the contacts with access (invited or already).",
    )
    first_value_count = fields.Integer(
        compute="_compute_adoption", string="Reached a first value"
    )
    median_hours_to_first_value = fields.Float(
        compute="_compute_adoption",
        string="Time to first value (h, median)",
        help="From the access to the first portal action of value: viewed a "
        "case, replied in the portal, opened a case there, found an article "
        "helpful.",
    )
    portal_reply_share = fields.Float(
        compute="_compute_adoption",
        string="Replies in the portal (%)",
        help="Share of the wave's customers' replies on cases written in the "
        "portal rather than by email, since their access.",
    )
    searches_per_active = fields.Float(
        compute="_compute_adoption", string="Help center searches per active contact"
    )
    duplicate_count = fields.Integer(
        compute="_compute_adoption", string="Email/portal duplicates"
    )
    nudge_sent_count = fields.Integer(compute="_compute_adoption", string="Nudges sent")
    csat_wave = fields.Float(
        compute="_compute_adoption", string="CSAT of the wave (/5)"
    )
    csat_others = fields.Float(
        compute="_compute_adoption",
        string="CSAT of other customers (/5)",
        help="Ratings of the company's other customers since the wave's first access.",
    )

    @api.depends("member_ids")
    def _compute_adoption(self):
        Member = self.env["hybrid.support.rollout.member"]
        sums = {
            wave: values
            for wave, *values in Member._read_group(
                [("wave_id", "in", self.ids)],
                ["wave_id"],
                [
                    "__count",
                    "invited_count:sum",
                    "activated_count:sum",
                    "portal_reply_count:sum",
                    "email_reply_count:sum",
                    "help_search_count:sum",
                    "duplicate_count:sum",
                    "rating_sum:sum",
                    "rating_count:sum",
                    "nudge_count:sum",
                ],
            )
        }
        states = {
            (wave, state): count
            for wave, state, count in Member._read_group(
                [("wave_id", "in", self.ids)],
                ["wave_id", "invite_state"],
                ["__count"],
            )
        }
        hours = {}
        for wave, values in Member._read_group(
            [("wave_id", "in", self.ids), ("first_value_date", "!=", False)],
            ["wave_id"],
            ["hours_to_first_value:array_agg"],
        ):
            hours[wave] = values
        for wave in self:
            (
                count,
                invited,
                activated,
                portal,
                email,
                searches,
                duplicates,
                rating_sum,
                rating_count,
                nudges,
            ) = sums.get(wave, [0] * 10)
            had_access = states.get((wave, "had_access"), 0)
            wave.contact_count = count
            wave.invited_count = invited
            wave.had_access_count = had_access
            wave.skipped_count = states.get((wave, "skipped"), 0)
            wave.failed_count = states.get((wave, "failed"), 0)
            wave.pending_count = states.get((wave, "pending"), 0)
            wave.activated_count = activated
            wave.activation_rate = adoption.rate(activated, invited + had_access)
            wave.first_value_count = len(hours.get(wave, []))
            wave.median_hours_to_first_value = adoption.median_hours(
                hours.get(wave, [])
            )
            wave.portal_reply_share = adoption.rate(portal, portal + email)
            wave.searches_per_active = adoption.per_head(searches, activated)
            wave.duplicate_count = duplicates
            wave.nudge_sent_count = nudges
            wave.csat_wave = adoption.csat(rating_sum, rating_count)
            wave.csat_others = wave._csat_of_others()

    def action_refresh_adoption(self):
        """Measure the wave's contacts now instead of at the next run of the
        measuring job."""
        self.check_access("read")
        # sudo: the contact rows are written by the jobs only; whoever may
        # read the wave (checked above) may have its figures refreshed
        members = self.sudo().member_ids
        members._measure()
        members.nudge_ids._measure_effect()
        return True

    def _csat_of_others(self):
        """Average rating of the company's customers outside the wave since
        its first access (0.0 before any)."""
        self.ensure_one()
        first = self.member_ids.filtered("invited_date").sorted("invited_date")[:1]
        if not first:
            return 0.0
        groups = self.env["rating.rating"]._read_group(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("consumed", "=", True),
                ("rating", ">", 0),
                ("write_date", ">=", first.invited_date),
                ("partner_id", "not in", self.member_ids.partner_id.ids),
                # the wave's company's cases only (a subquery)
                (
                    "res_id",
                    "in",
                    # sudo: a figure of the company's cases, not a read of
                    # them; the rating itself is read with the user's rights
                    self.env["helpdesk.ticket"]
                    .sudo()
                    .with_context(active_test=False)
                    ._search([("company_id", "=", self.company_id.id)]),
                ),
            ],
            [],
            ["rating:sum", "__count"],
        )
        total, count = groups[0] if groups else (0, 0)
        return adoption.csat(total or 0, count)
