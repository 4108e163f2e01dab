import hashlib
import hmac

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from ..tools import deflection as deflection_tools


class HybridSupportKbAddressCeiling(models.AbstractModel):
    """What an anonymous client address may write per UTC day, for the logs
    of the help center (events, deflections, searches): each row of an
    address takes a numbered place ``<kind><n>`` of the address's day, below
    a ceiling, and a unique index of the places decides between workers (a
    place committed by another worker after this transaction began is
    refused here too, whatever the snapshot). A session is free to drop, the
    address is not: a bot without cookies is bounded by it."""

    _name = "hybrid.support.kb.address.ceiling"
    _description = "Daily ceiling of an anonymous client address"

    address_hash = fields.Char(
        index="btree_not_null",
        help="Anonymous visitor: a keyed hash of the client address and the "
        "day (tools/deflection.py), never the address itself; what the daily "
        "ceilings of anonymous events, deflections and searches count.",
    )
    address_slot = fields.Char(
        readonly=True,
        help="Anonymous visitor: the numbered place of the row among its "
        "address's rows of the day (e<n> events, d<n> deflections, s<n> "
        "searches); unique, so concurrent workers cannot exceed the ceilings.",
    )

    _address_slot_unique = models.UniqueIndex(
        "(address_slot) WHERE address_slot IS NOT NULL",
        "An address's place of the day is taken once.",
    )

    @api.model
    def _address_hash(self, remote_addr, when=None):
        """A pseudonym of a client address for one UTC day: HMAC with the
        database secret, so the stored value gives away neither the address
        nor the visitor's other days. False without a valid address."""
        key = deflection_tools.address_key(remote_addr, when or fields.Datetime.now())
        if not key:
            return False
        # sudo: the database secret, used only as the HMAC key
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), f"address:{key}".encode(), hashlib.sha256
        ).hexdigest()[:32]

    @api.model
    def _address_slots_used(self, address_hash, kinds):
        """The places of the address's day this transaction sees taken, per
        kind of ``kinds`` (e.g. ``("e", "d")``): where the next tries start."""
        self.flush_model(["address_slot"])
        # the hash is of the address and the day: its rows are today's
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE address_hash = %s",
                SQL(", ").join(
                    SQL(
                        "count(*) FILTER (WHERE address_slot LIKE %s)",
                        f"{address_hash}:{kind}%",
                    )
                    for kind in kinds
                ),
                SQL.identifier(self._table),
                address_hash,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _create_in_slot(self, vals, address_hash, kind, first, ceiling):
        """The row created in the first free place ``kind``<n> of its
        address's day (n from ``first`` to ``ceiling``), and n; (empty, None)
        when all are taken. The unique index decides between workers: a
        place committed by another worker after this transaction began is
        refused here too, and the next place is tried."""
        for place in range(first, ceiling):
            slot = f"{address_hash}:{kind}{place}"
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    return self.create(dict(vals, address_slot=slot)), place
            except psycopg2.errors.UniqueViolation as error:
                if "address_slot" not in (error.diag.constraint_name or ""):
                    raise
        return self.browse(), None
