import sys

from odoo import models

from .mail_thread import CONCURRENCY_ERRORS


class MailAlias(models.Model):
    _inherit = "mail.alias"

    def _alias_bounce_incoming_email(self, message, message_dict, set_invalid=True):
        """Core calls this from inside its ``except`` when creating the
        record of an email failed, whatever the reason: it marks the alias
        invalid and bounces the email to its sender.

        A serialization failure there is another worker delivering the same
        email or sender at the same moment: the delivery is run again, so
        nothing is bounced and the alias stays valid. Otherwise core goes
        on, with the rights it needs whoever delivers the email (the Mail
        gateway user may not write aliases: its AccessError would replace
        the real error in the quarantine)."""
        if isinstance(sys.exc_info()[1], CONCURRENCY_ERRORS):
            return None
        # sudo: marking an alias invalid and bouncing belong to the gateway
        return super(MailAlias, self.sudo())._alias_bounce_incoming_email(
            message, message_dict, set_invalid=set_invalid
        )
