"""What the case page links beside its status: the attachments a customer
may see, the timeline of stages and customer-visible escalations, suggested
articles, the records and cases named in the case that the reader may open.

Each helper receives the case as sudo (from _document_check_access) and
decides what of it leaves. Extended by portal.py (the case page)."""

import textwrap

from odoo import fields
from odoo.http import request
from odoo.tools import html2plaintext

from .portal_case_list import CustomerPortalCaseList

EXCERPT = 160  # characters of an article quoted under its title


class CustomerPortalCaseContent(CustomerPortalCaseList):
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
        """``(date, text, kind)`` oldest first: every stage the case went
        through, and the escalations whose rule the customer may see, in
        the rule's customer words; internal escalations never.

        ``ticket`` comes from _document_check_access (sudo when reached with a
        token), so tracking values and the escalation log are readable here
        and only stage names and customer sentences leave.
        """
        field = ticket.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        timeline = (
            [(ticket.create_date, ticket.stage_id.name, "stage")]
            if ticket.create_date
            else []
        )
        trackings = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id == field
        ).sorted("id")
        if trackings:
            timeline = [(ticket.create_date, trackings[0].old_value_char, "stage")]
            timeline += [(t.create_date, t.new_value_char, "stage") for t in trackings]
        lang = request.env.context.get("lang")
        for log in ticket.hs_escalation_log_ids:
            rule = log.rule_id.with_context(lang=lang)
            if rule.customer_visible and rule.customer_message:
                timeline.append((log.date, rule.customer_message, "escalation"))
        return sorted(timeline, key=lambda step: step[0] or fields.Datetime.now())

    def _hs_article_links(self, ticket):
        """Suggested articles as a title linking to their help center page
        and a short excerpt, never the whole body. The case's company and
        the customers' audiences, not the reader's: ``ticket`` is sudo."""
        return [
            {
                "name": article.name,
                "excerpt": textwrap.shorten(
                    html2plaintext(article.body or ""), EXCERPT, placeholder=" …"
                ),
                "url": article.help_url,
            }
            for article in ticket._hs_kb_suggestions()
        ]

    def _hs_linked_records(self, ticket):
        """Records the intake found named in the case (orders, invoices...)
        that the reader may open in Odoo's own portal: linked only when the
        reader's own rights let them read the record and the record has a
        portal page. A visitor with only the case's token gets none."""
        user = request.env.user
        if user._is_public():
            return []
        links = []
        kinds = dict(
            request.env["hybrid.support.ticket.reference"].fields_get(
                ["kind"], ["selection"]
            )["kind"]["selection"]
        )
        # sudo: references are for agents; each record is checked below with
        # the reader's own rights before anything of it leaves
        for reference in ticket.hs_reference_ids:
            model, res_id = reference.res_model, reference.res_id
            if not (model and res_id and model in request.env):
                continue
            record = request.env[model].browse(res_id).exists()
            if (
                not record
                or "access_url" not in record._fields
                or not record.has_access("read")
            ):
                continue
            links.append(
                {
                    "name": record.display_name,
                    "kind": kinds.get(reference.kind, reference.kind),
                    "url": record.access_url,
                }
            )
        return links

    def _hs_related_cases(self, ticket):
        """Cases of the same account linked to this one (the case it follows
        up, its follow-ups, a probable duplicate either way, the case it was
        merged into and the cases merged into it) that the reader may read
        by their own rights."""
        user = request.env.user
        if user._is_public():
            return request.env["helpdesk.ticket"]
        Ticket = ticket.env["helpdesk.ticket"].with_context(active_test=False)
        related = (
            ticket.hs_followup_of_id
            | ticket.hs_probable_duplicate_id
            | ticket.hs_merged_into_id
            | Ticket.search(
                [
                    "|",
                    "|",
                    ("hs_followup_of_id", "=", ticket.id),
                    ("hs_probable_duplicate_id", "=", ticket.id),
                    ("hs_merged_into_id", "=", ticket.id),
                ]
            )
        ).filtered(lambda t: t.commercial_partner_id == ticket.commercial_partner_id)
        # the reader's rights decide, not the sudo of the page
        return (
            request.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("id", "in", (related - ticket).ids)], order="create_date desc")
        )
