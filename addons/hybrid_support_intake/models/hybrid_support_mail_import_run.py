"""A mailbox import's runs: the dry run (what the mailbox holds, what is
new), the import in resumable batches from a cron, and the demo mailbox."""

import logging
import os
from datetime import UTC

from odoo import api, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.misc import file_path

from ..tools.mailbox_reader import summary

_logger = logging.getLogger(__name__)

# Message-IDs and senders are looked up in chunks of this size.
CHUNK = 1000


class HybridSupportMailImport(models.Model):
    _inherit = "hybrid.support.mail.import"

    def action_analyse(self):
        """Count messages, threads, new and known contacts, messages Odoo
        already has, and the date range; list unreadable messages.

        Never inside a web request: reading a large mailbox or a slow IMAP
        server outlasts it (and ties up a web worker). From the web client
        the dry run is queued for the import job, and the form shows its
        state; the job itself (or a shell) runs it at once."""
        if request:
            self._queue_dry_run()
        else:
            for job in self:
                job._dry_run()
        return True

    def action_start(self):
        if self.filtered(lambda job: job.state != "analysed"):
            raise UserError(self.env._("Run the dry run first."))
        # the dry run listed what will be refused; the import lists it again
        self.error_ids.unlink()
        self.write({"state": "running"})
        self.env.ref("hybrid_support_intake.ir_cron_mail_import")._trigger()
        return True

    def action_reset(self):
        self.filtered(lambda job: job.state != "running").write({"state": "draft"})
        return True

    def _queue_dry_run(self):
        if self.filtered(lambda job: job.state not in ("draft", "analysed")):
            raise UserError(self.env._("A dry run or an import is already under way."))
        self.write({"state": "queued", "last_error": False})
        self.env.ref("hybrid_support_intake.ir_cron_mail_import")._trigger()

    def _dry_run(self):
        self.ensure_one()
        reader, temporary = self._open()
        try:
            self._analyse(reader)
        finally:
            reader.close()
            if temporary:
                os.unlink(temporary)

    def _analyse(self, reader):
        self.error_ids.unlink()
        roots, senders, message_ids, dates, errors = set(), set(), [], [], []
        count = 0
        for index, raw in reader.iter_from(0):
            count += 1
            try:
                facts = summary(raw)
            except ValueError as error:
                errors.append(self._error_values(index, "", str(error)))
                continue
            roots.add(facts["thread_root"] or f"#{index}")
            if facts["sender"]:
                senders.add(facts["sender"])
            if facts["message_id"]:
                message_ids.append(facts["message_id"])
            if facts["date"]:
                dates.append(facts["date"].astimezone(UTC).replace(tzinfo=None))
        known = self._existing("res.partner", "email_normalized", sorted(senders))
        self.write(
            {
                "state": "analysed",
                "last_error": False,
                "message_count": count,
                "thread_count": len(roots),
                "known_contact_count": len(known),
                "new_contact_count": len(senders - known),
                "duplicate_count": len(
                    self._existing("mail.message", "message_id", message_ids)
                ),
                "date_from": min(dates) if dates else False,
                "date_to": max(dates) if dates else False,
                "error_ids": [(0, 0, values) for values in errors],
            }
        )

    def _existing(self, model, field, values):
        """The subset of ``values`` that records of ``model`` already hold."""
        found = set()
        # sudo: counting only, the values never leave this job
        Model = self.env[model].sudo().with_context(active_test=False)
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            found |= set(Model.search([(field, "in", chunk)]).mapped(field))
        return found

    def _error_values(self, index, message_id, reason):
        return {"position": index + 1, "message_id": message_id, "reason": reason[:500]}

    def _import_batch(self, limit=200, reader=None):
        """Import the next ``limit`` messages; return how many were read.
        Never sends anything: no acknowledgement, routing or notification.
        The cron passes one open ``reader`` for all its batches, so that an
        mbox is scanned once per run, not once per batch."""
        self.ensure_one()
        own_reader = reader is None
        temporary = None
        if own_reader:
            reader, temporary = self._open()
        read = imported = skipped = 0
        errors = []
        gateway = self.env["mail.thread"].with_context(
            hs_import=True,
            hs_import_stage_id=self.stage_id.id,
            mail_create_nosubscribe=True,
            tracking_disable=True,
        )
        try:
            batch = []
            for index, raw in reader.iter_from(self.position):
                batch.append((index, raw))
                if len(batch) >= limit:
                    break
            facts = {}
            for index, raw in batch:
                try:
                    facts[index] = summary(raw)
                except ValueError as error:
                    errors.append(self._error_values(index, "", str(error)))
            known = self._existing(
                "mail.message",
                "message_id",
                [f["message_id"] for f in facts.values() if f["message_id"]],
            )
            for index, raw in batch:
                read += 1
                if index not in facts:
                    continue
                message_id = facts[index]["message_id"]
                if message_id and message_id in known:
                    skipped += 1
                    continue
                try:
                    with self.env.cr.savepoint():
                        gateway.message_process(
                            "helpdesk.ticket",
                            raw,
                            custom_values={"team_id": self.team_id.id},
                        )
                    imported += 1
                    if message_id:
                        known.add(message_id)
                except Exception as error:  # listed with its reason, never lost
                    _logger.info(
                        "Import %s: message %s refused",
                        self.id,
                        index + 1,
                        exc_info=True,
                    )
                    errors.append(self._error_values(index, message_id, repr(error)))
        finally:
            if own_reader:
                reader.close()
                if temporary:
                    os.unlink(temporary)
        values = {
            "position": self.position + read,
            "imported_count": self.imported_count + imported,
            "skipped_count": self.skipped_count + skipped,
            "error_ids": [(0, 0, v) for v in errors],
        }
        if not read or self.position + read >= self.message_count:
            values["state"] = "done"
        self.write(values)
        return read

    @api.model
    def _cron_import(self, batch_size=200):
        """Queued dry runs first, then the imports under way; a source that
        cannot be read stops its job with the reason on the form."""
        cron = self.env["ir.cron"]
        for job in self.search([("state", "=", "queued")]):
            try:
                with self.env.cr.savepoint():
                    job._dry_run()
            except UserError as error:
                job.write({"state": "draft", "last_error": str(error)[:500]})
            cron._commit_progress(1)
        for job in self.search([("state", "=", "running")]):
            try:
                reader, temporary = job._open()
            except UserError as error:
                job.write({"state": "analysed", "last_error": str(error)[:500]})
                cron._commit_progress(1)
                continue
            try:
                while job.state == "running":
                    read = job._import_batch(batch_size, reader=reader)
                    remaining = max(job.message_count - job.position, 0)
                    if cron._commit_progress(read, remaining=remaining) <= 0:
                        return
            finally:
                reader.close()
                if temporary:
                    os.unlink(temporary)

    @api.model
    def _process_demo_emails(self, directory, team_id):
        """Push the ``.eml`` files of an addon folder through the real mail
        gateway, in name order, with ``team_id`` as the route of emails that
        match no alias, then send their acknowledgements (demo data)."""
        folder = file_path(directory)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as handle:
                    self.env["mail.thread"].message_process(
                        "helpdesk.ticket",
                        handle.read(),
                        custom_values={"team_id": team_id},
                    )
        self.env["helpdesk.ticket"]._hs_send_pending_acknowledgements()
        return True
