from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class CustomerPortalHybridSupport(CustomerPortalHelpdesk):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        values.update(
            {
                "status_timeline": self._hs_status_timeline(ticket),
                # the case's company, not the reader's: ``ticket`` is sudo
                "kb_articles": ticket._hs_kb_suggestions(),
                "customer_attachments": self._hs_customer_attachments(ticket),
            }
        )
        return values

    def _hs_customer_attachments(self, ticket):
        """The case's attachments a customer may see: those of messages
        customers see (emails, replies, the portal form) and those of no
        message (the new-case form); never those of internal notes.

        ``ticket`` is sudo (from _document_check_access): its messages and
        their subtypes are read to decide, only the public ones leave."""
        internal = ticket.message_ids.filtered(
            lambda m: (
                m.message_type not in ("email", "comment", "email_outgoing")
                or (m.subtype_id and m.subtype_id.internal)
            )
        )
        return ticket.attachment_ids - internal.attachment_ids

    def _hs_status_timeline(self, ticket):
        """(date, stage name) of every stage the case went through, oldest first.

        ``ticket`` comes from _document_check_access (sudo when reached with a
        token), so tracking values are readable here and only stage names leave.
        """
        field = ticket.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        timeline = (
            [(ticket.create_date, ticket.stage_id.name)] if ticket.create_date else []
        )
        trackings = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id == field
        ).sorted("id")
        if trackings:
            timeline = [(ticket.create_date, trackings[0].old_value_char)]
            timeline += [(t.create_date, t.new_value_char) for t in trackings]
        return timeline
