import hashlib
from datetime import timedelta

from odoo import api, fields, models

RETENTION_DAYS = 2  # later deliveries are seen by core's own duplicate check


class HybridSupportDeliveryKey(models.Model):
    """One row per email being delivered (its Message-ID) and per new
    sender's address being made a contact, claimed by the transaction that
    processes it.

    Several Odoo workers, on one server or many, may receive the same email
    at the same moment (two fetchmail servers on one mailbox, an MTA that
    retries while the first delivery still runs) or several emails of one
    new sender. Core's duplicate check is a SELECT, which two transactions
    pass together. Claiming the key is an ``INSERT ... ON CONFLICT DO
    UPDATE``: PostgreSQL makes the second transaction wait for the first and
    then fail with a serialization error, and Odoo runs it again with a
    fresh snapshot, where the email (or the contact) is found. Correctness
    rests on PostgreSQL alone, never on a worker's memory."""

    _name = "hybrid.support.delivery.key"
    _description = "Incoming email delivery key"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    claimed_at = fields.Datetime(required=True, readonly=True)

    _key_unique = models.Constraint(
        "UNIQUE(key)", "A delivery key is claimed by one row only."
    )

    @api.model
    def _digest(self, kind, value):
        return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"

    @api.model
    def _claim(self, kind, value):
        """Claim ``value`` (a Message-ID, a normalised address) for this
        transaction: returns at once, or after another transaction holding
        it rolled back; raises a serialization error, which Odoo retries,
        when another one processed it since this transaction began."""
        if not value:
            return
        self.env.cr.execute(
            """
            INSERT INTO hybrid_support_delivery_key (key, claimed_at)
            VALUES (%s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (key) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
            """,
            [self._digest(kind, value)],
            log_exceptions=False,  # a serialization failure is expected here
        )

    @api.model
    def _cron_vacuum(self):
        self.env.cr.execute(
            "DELETE FROM hybrid_support_delivery_key WHERE claimed_at < %s",
            [fields.Datetime.now() - timedelta(days=RETENTION_DAYS)],
        )
        return self.env.cr.rowcount
