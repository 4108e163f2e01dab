import functools
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

JOB_SLOT_SECONDS = 10  # the requests of the same slot share their triggers
CONFLICT_ERRORS = (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, ConcurrencyError)


def retry_soon_on_conflict(job):
    """Decorate a cron job's method: when its batch meets another
    transaction's concurrent write (a serialization failure, a lock not
    available, a deadlock — normal with several workers: the gateway writes
    the case the job is about to lock), the batch is rolled back and the job
    runs again in a few seconds, instead of failing and waiting for its next
    interval (an hour for some). Batches committed before stay done.

    Only inside a cron run (``cron_id`` in the context, as the scheduler
    sets it); a direct call gets the error, as an RPC call would (and
    retries it)."""

    @functools.wraps(job)
    def run(self, *args, **kwargs):
        try:
            return job(self, *args, **kwargs)
        except CONFLICT_ERRORS as error:
            cron_id = self.env.context.get("cron_id")
            if not cron_id:
                raise
            self.env.cr.rollback()
            _logger.info(
                "%s.%s met a concurrent update (%s): runs again in %s s",
                self._name,
                job.__name__,
                type(error).__name__,
                JOB_SLOT_SECONDS,
            )
            # sudo: the job's user may not write the scheduler's rows
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(
                fields.Datetime.now() + timedelta(seconds=JOB_SLOT_SECONDS)
            )
            return False

    return run


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _hs_trigger_in_slot(self, xmlids):
        """Run the cron jobs ``xmlids`` soon, in batches, instead of inside
        the caller (the mail gateway asks for each email). The requests of
        the same ten seconds share one trigger per job, set at the end of
        that slot: one query per request instead of a read, an INSERT and a
        NOTIFY per job and request, and a trigger in the future is never
        consumed by a run already under way that could miss the caller's
        work. Cron workers wake at least every minute to run it."""
        if not xmlids:
            return
        # _xmlid_to_res_id is cached; env.ref would query per email
        cron_ids = [self.env["ir.model.data"]._xmlid_to_res_id(x) for x in xmlids]
        now = fields.Datetime.now()
        slot = now.replace(microsecond=0) + timedelta(
            seconds=JOB_SLOT_SECONDS - now.second % JOB_SLOT_SECONDS
        )
        # sudo: triggers are technical rows of the scheduler
        planned = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_fetch(
                [("cron_id", "in", cron_ids), ("call_at", "=", slot)], ["cron_id"]
            )
            .cron_id
        )
        # sudo: whoever delivers the email may not write the scheduler's rows
        for cron in self.sudo().browse(cron_ids) - planned.sudo():
            cron._trigger(slot)
