from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models

from ..tools.similarity import similarity_at_least, tokens


class HybridSupportDuplicateMixin(models.AbstractModel):
    """Probable duplicates of a case: a recent open case of the same
    customer account with nearly the same subject and text, flagged with a
    note, merged with OCA helpdesk_mgmt_merge's wizard or dismissed. The
    case an email named without the right to thread into it is merged the
    same way. Composed into ``helpdesk.ticket``."""

    _name = "hybrid.support.duplicate.mixin"
    _description = "Probable duplicates of a case"

    hs_probable_duplicate_id = fields.Many2one(
        "helpdesk.ticket",
        string="Probable duplicate of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A recent open case of the same customer account with nearly the "
        "same subject and text. Merge it, or dismiss the flag.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_merged_into_id = fields.Many2one(
        "helpdesk.ticket",
        string="Merged into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The case this one was merged into (helpdesk_mgmt_merge's "
        "wizard): where its messages went.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_probable_duplicate_score = fields.Float(
        string="Probable Duplicate Score",
        readonly=True,
        copy=False,
        digits=(3, 2),
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    def _hs_duplicate_text(self):
        return f"{self.name or ''}\n{self.hs_clean_body or ''}"

    def _hs_flag_duplicates(self, per_case=30):
        """Flag cases nearly identical to a recent open case of the same
        customer account: one search for the batch, bounded to the most
        recent ``per_case`` candidates per case (a duplicate follows its
        original closely; a busy account must not make each email slower)."""
        hours = max(self.company_id.mapped("hs_duplicate_window_hours") or [0])
        accounts = self.commercial_partner_id
        if not hours or not accounts:
            return
        candidates = self.search_fetch(
            [
                ("commercial_partner_id", "in", accounts.ids),
                ("id", "not in", self.ids),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=hours)),
                ("stage_id.closed", "=", False),
                ("hs_probable_duplicate_id", "=", False),
            ],
            ["commercial_partner_id", "create_date", "name", "hs_clean_body"],
            order="id desc",
            limit=per_case * len(self),
        )
        words = {other: tokens(other._hs_duplicate_text()) for other in candidates}
        for ticket in self.filtered("commercial_partner_id"):
            company = ticket.company_id
            since = fields.Datetime.now() - timedelta(
                hours=company.hs_duplicate_window_hours
            )
            mine = tokens(ticket._hs_duplicate_text())
            best, best_score = None, 0.0
            for other in candidates:
                if (
                    other.commercial_partner_id != ticket.commercial_partner_id
                    or other.create_date < since
                    or not company.hs_duplicate_window_hours
                ):
                    continue
                score = similarity_at_least(
                    mine, words[other], company.hs_duplicate_threshold
                )
                if score and score > best_score:
                    best, best_score = other, score
            if best:
                ticket.write(
                    {
                        "hs_probable_duplicate_id": best.id,
                        "hs_probable_duplicate_score": best_score,
                    }
                )
                ticket.message_post(
                    body=Markup(
                        self.env._(
                            "Probable duplicate of %(case)s (%(score)s%% similar)."
                        )
                    )
                    % {
                        "case": best._get_html_link(best.number),
                        "score": round(best_score * 100),
                    },
                    subtype_xmlid="mail.mt_note",
                )

    def _merge_into(self, original):
        """helpdesk_mgmt_merge's wizard, preset to merge this case into
        ``original``: messages, attachments and followers move over."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge cases"),
            "res_model": "helpdesk.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": [original.id, self.id],
            },
        }

    def action_merge_into_probable_duplicate(self):
        return self._merge_into(self.hs_probable_duplicate_id)

    def action_merge_into_mentioned_case(self):
        """Once an agent has checked that the sender belongs to the case
        the email named."""
        return self._merge_into(self.hs_mentioned_case_id)

    def action_dismiss_probable_duplicate(self):
        self.write(
            {"hs_probable_duplicate_id": False, "hs_probable_duplicate_score": 0}
        )
