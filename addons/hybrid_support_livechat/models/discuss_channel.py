from markupsafe import Markup

from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import html2plaintext, is_html_empty

COMMAND = "/case"


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def execute_command_case(self, **kwargs):
        """``/case <subject>`` typed by an operator in a live chat (or the
        chat window's *Open a case* button): the conversation becomes a case
        of the intake pipeline (origin ``chat``)."""
        self.ensure_one()
        subject = (kwargs.get("body") or "").strip()[len(COMMAND) :].strip()
        if not subject:
            msg = self.env._(
                "Open a case with: %(pre)s/case subject of the case%(pre_end)s",
                pre=Markup("<pre>"),
                pre_end=Markup("</pre>"),
            )
        else:
            ticket = self._hs_open_case(html2plaintext(subject).strip())
            msg = self.env._("Opened case %(case)s.", case=ticket._get_html_link())
        self.env.user._bus_send_transient_message(self, msg)

    def _hs_visitor(self):
        """``(contact, name)`` of the chat's visitor: their contact when
        they are signed in (a portal user, a known customer), else only the
        name a guest gave."""
        # sudo: the operator reads who they are chatting with, as the chat
        # window shows it
        visitors = self.sudo().channel_member_ids.filtered(
            lambda m: m.livechat_member_type == "visitor"
        )
        partner = visitors.partner_id.filtered(lambda p: not p.is_public)[:1]
        if partner:
            return partner, partner.name
        guest = visitors.guest_id[:1]
        return self.env["res.partner"], guest.name or ""

    def _hs_transcript(self, visitor):
        """``(transcript HTML, what the visitor wrote)``: the whole
        conversation for the case's description, the visitor's lines for
        its clean text (what triage and rules read)."""
        # sudo: the transcript of the conversation the operator is part of
        messages = self.sudo().message_ids.filtered(
            lambda m: m.message_type != "notification" and not is_html_empty(m.body)
        )
        said = [
            html2plaintext(m.body)
            for m in messages.sorted("id")
            if (visitor and m.author_id == visitor)
            or (not visitor and m.author_guest_id)
        ]
        return self._get_channel_history(), "\n\n".join(said)

    def _hs_open_case(self, subject):
        self.ensure_one()
        if self.channel_type != "livechat":
            raise AccessError(self.env._("Cases are opened from live chats only."))
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only an operator opens a case from a chat."))
        # the operator must be a member: no case from someone else's chat
        if not self.is_member:
            raise AccessError(self.env._("You are not part of this conversation."))
        Ticket = self.env["helpdesk.ticket"]
        Ticket.check_access("create")
        partner, name = self._hs_visitor()
        transcript, said = self._hs_transcript(partner)
        return Ticket.create(
            {
                "name": subject,
                "description": transcript,
                "hs_clean_body": said,
                "hs_writer_text": said,
                "partner_id": partner.id,
                "partner_name": name,
                "hs_origin": "chat",
                "hs_livechat_channel_id": self.id,
            }
        )
