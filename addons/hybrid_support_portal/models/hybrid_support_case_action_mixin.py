from datetime import UTC, timedelta

from markupsafe import Markup, escape

from odoo import fields, models
from odoo.tools import misc

from ..tools import case_actions
from ..tools.case_actions import REOPEN, SOLVED

TOKEN_SCOPE = "hybrid_support_portal.case_action"
BUTTON = (
    "display: inline-block; margin: 4px 8px 4px 0; padding: 8px 16px; "
    "border-radius: 5px; text-decoration: none; color: #fff; background-color: %s;"
)
SOLVED_COLOR, REOPEN_COLOR = "#28a745", "#6c757d"


def _timestamp(when):
    """A naive UTC datetime (the ORM's) as a UTC timestamp."""
    return int(when.replace(tzinfo=UTC).timestamp())


class HybridSupportCaseActionMixin(models.AbstractModel):
    """The customer's one-click answers from our emails ("This solved my
    problem", "I still need help"): the signed links and their buttons, and
    what an answer does to the case (closed, reopened, back in progress).

    Composed into ``helpdesk.ticket`` (it reads the case's stage, team,
    company and customer); the ticket's ``_notify_get_recipients_groups``
    puts the buttons under agents' replies, the acknowledgement's and the
    reminders' templates carry them in their body."""

    _name = "hybrid.support.case.action.mixin"
    _description = "Customer's answers to a case from links in our emails"

    # -- signed links -------------------------------------------------------

    def _hs_sign(self, message):
        # sudo: the database secret keys the signature, as for portal tokens
        return misc.hmac(self.env(su=True), TOKEN_SCOPE, message)

    def _hs_action_token(self, action, partner, expires=None):
        self.ensure_one()
        if expires is None:
            days = self.team_id._hs_link_days()
            expires = fields.Datetime.now() + timedelta(days=days)
        return case_actions.make_token(
            self.id, action, partner.id, _timestamp(expires), self._hs_sign
        )

    def _hs_action_url(self, action, partner, expires=None):
        """The absolute link that performs ``action`` on the case for
        ``partner`` (after a confirmation): the only credential it needs."""
        token = self._hs_action_token(action, partner, expires=expires)
        return f"{self.get_base_url()}/support/case/{self.id}/{action}?token={token}"

    def _hs_check_action_token(self, action, token):
        """(verdict, partner) of a link presented for ``action`` on the case;
        the partner only when the verdict is valid and the partner still
        belongs to the case's account."""
        self.ensure_one()
        verdict = case_actions.check_token(
            token, self.id, action, _timestamp(fields.Datetime.now()), self._hs_sign
        )
        partner = self.env["res.partner"]
        if verdict.valid:
            partner = partner.browse(verdict.partner_id).exists()
            account = self.partner_id.commercial_partner_id
            if not partner or not (
                partner == self.partner_id
                or (account and partner.commercial_partner_id == account)
            ):
                return case_actions.Verdict(case_actions.INVALID), partner.browse()
        return verdict, partner

    def _hs_case_actions_html(self, partner):
        """The buttons of the customer's answers, for ``partner``: both on an
        open case, "I still need help" alone on a closed one."""
        self.ensure_one()
        buttons = []
        if not self.stage_id.closed:
            buttons.append(
                Markup('<a href="%s" style="%s">%s</a>')
                % (
                    self._hs_action_url(SOLVED, partner),
                    BUTTON % SOLVED_COLOR,
                    self.env._("This solved my problem"),
                )
            )
            question = self.env._("Did this answer your question?")
        else:
            question = self.env._("Is your problem back, or not solved after all?")
        buttons.append(
            Markup('<a href="%s" style="%s">%s</a>')
            % (
                self._hs_action_url(REOPEN, partner),
                BUTTON % REOPEN_COLOR,
                self.env._("I still need help"),
            )
        )
        return Markup(
            '<div class="o_hs_case_actions" style="margin: 16px 0;">'
            '<p style="margin: 0 0 4px 0;">%s</p>%s</div>'
        ) % (escape(question), Markup("").join(buttons))

    def _hs_actions_for_message(self, message, msg_vals=False):
        """Whether a notification of ``message`` carries the answer buttons:
        public messages (an agent's reply); not notes, not the emails that
        carry them in their own body (acknowledgement, reminders)."""
        msg_vals = msg_vals or {}
        subtype_id = msg_vals.get("subtype_id", message.subtype_id.id)
        message_type = msg_vals.get("message_type", message.message_type)
        is_internal = msg_vals.get("is_internal", message.is_internal)
        if message_type not in ("comment", "email", "email_outgoing") or is_internal:
            return False
        subtype = self.env["mail.message.subtype"].browse(subtype_id)
        return bool(subtype) and not subtype.sudo().internal

    # -- the customer's answers ----------------------------------------------

    def _hs_stage_for(self, kind):
        """The team's stage of ``kind`` ("solved" or "in_progress") for the case."""
        self.ensure_one()
        team = self.team_id
        if kind == SOLVED:
            return team._hs_solved_stage(self.company_id)
        return team._hs_in_progress_stage(self.company_id)

    def _hs_waiting_on_customer(self):
        """Cases of self in a stage that waits on the customer: a pausing
        stage of the service levels that may apply to them."""
        return self.filtered(
            lambda t: (
                not t.stage_id.closed
                and t.stage_id in t.team_id._hs_waiting_stages(t.company_id)
            )
        )

    def _hs_apply_customer_action(self, action, partner):
        """Do what ``partner`` answered from a link of our emails, log it on
        the case in their name, and say what happened: "closed",
        "already_closed", "reopened", "resumed" or "noted".

        Called in sudo by the link's controller once the signed token was
        checked: the token is the credential, not the visitor's session."""
        self.ensure_one()
        closed = self.stage_id.closed
        if action == SOLVED:
            if closed:
                return "already_closed"
            stage = self._hs_stage_for(SOLVED)
            if not stage:
                return "noted"
            self.stage_id = stage
            self._hs_log_customer_action(
                self.env._(
                    "The customer marked the case as solved (link in an email)."
                ),
                partner,
            )
            return "closed"
        waiting = self._hs_waiting_on_customer()
        stage = self._hs_stage_for("in_progress")
        if closed and stage:
            self.write(
                {"stage_id": stage.id, "hs_reopen_count": self.hs_reopen_count + 1}
            )
            outcome = "reopened"
            note = self.env._(
                "The customer still needs help: the case is reopened (link in an email)."
            )
        elif waiting and stage:
            self.stage_id = stage
            outcome = "resumed"
            note = self.env._(
                "The customer still needs help: the case is back in progress "
                "(link in an email)."
            )
        else:
            outcome = "noted"
            note = self.env._("The customer still needs help (link in an email).")
        # the agent in charge hears of it at once
        self._hs_log_customer_action(note, partner, notify=self.user_id.partner_id)
        return outcome

    def _hs_log_customer_action(self, note, author, notify=None):
        """A note on the case written in the name of the customer who
        answered; ``notify`` (partners) are told at once."""
        self.message_post(
            body=note,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=notify.ids if notify else [],
        )
