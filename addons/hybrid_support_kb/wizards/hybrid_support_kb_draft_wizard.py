from odoo import api, fields, models

from ..tools import drafts

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class HybridSupportKbDraftWizard(models.TransientModel):
    """'Draft an article from this case' (or from a knowledge gap's cases):
    the draft is proposed from the cases read with the agent's own rights,
    anonymised, and the agent edits it before it is saved as a draft
    article — never published from here."""

    _name = "hybrid.support.kb.draft.wizard"
    _description = "Draft a knowledge base article from cases"

    ticket_ids = fields.Many2many(
        "helpdesk.ticket", string="Cases", required=True, readonly=True
    )
    gap_id = fields.Many2one("hybrid.support.kb.gap", readonly=True)
    name = fields.Char(string="Title", required=True)
    problem = fields.Text(help="The problem in the customers' words, one a line.")
    steps = fields.Text(string="Solution", help="The solution, one step a line.")
    keywords = fields.Char()
    category_id = fields.Many2one("helpdesk.ticket.category")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ids = values.get("ticket_ids") or []
        ids = [
            item[1] if isinstance(item, (list, tuple)) and len(item) == 2 else item
            for item in ids
        ]
        if ids and isinstance(ids[0], (list, tuple)):  # [Command.set(ids)]
            ids = ids[0][2]
        tickets = self.env["helpdesk.ticket"].browse(ids)
        # the agent's own rights: an own-cases agent drafts only from cases
        # they may read; nothing here reads in sudo
        tickets.check_access("read")
        if not tickets:
            return values
        cases = [ticket._hs_kb_resolved_case() for ticket in tickets]
        proposal = tickets._hs_kb_rewrite_draft(drafts.draft(cases))
        values.update(
            name=proposal.title,
            problem="\n".join(proposal.problem),
            steps="\n".join(proposal.steps),
            keywords=" ".join(proposal.keywords),
            category_id=proposal.category,
        )
        return values

    def action_create_article(self):
        self.ensure_one()
        self.ticket_ids.check_access("read")
        proposal = drafts.Draft(
            title=self.name,
            problem=[
                line for line in (self.problem or "").splitlines() if line.strip()
            ],
            steps=[line for line in (self.steps or "").splitlines() if line.strip()],
            keywords=(self.keywords or "").split(),
            category=self.category_id.id or None,
            keys=self.ticket_ids.ids,
        )
        article = self.env["hybrid.support.kb.article"]._kb_create_draft(
            proposal, self.ticket_ids[:1].company_id
        )
        if self.gap_id:
            self.gap_id._kb_drafted(article)
        return {
            "type": "ir.actions.act_window",
            "res_model": "hybrid.support.kb.article",
            "res_id": article.id,
            "view_mode": "form",
        }
