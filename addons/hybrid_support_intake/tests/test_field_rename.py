"""The pre-migrations' field renames (issue 19: the hs_ prefix) keep a
column's data, index and foreign key, move the field's metadata, and change
nothing when run again. tests/check_upgrade.py does the same on a whole
database upgraded from the release before."""

from odoo.tests import TransactionCase, tagged

from ..tools.field_rename import rename_field


@tagged("post_install", "-at_install")
class TestFieldRename(TransactionCase):
    def columns(self):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'helpdesk_ticket' AND column_name LIKE '%%sla_hs_probe'"
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_a_renamed_column_keeps_its_data_index_key_and_field_row(self):
        cr = self.env.cr
        case = self.env["helpdesk.ticket"].create(
            {"name": "Probe", "description": "<p>x</p>"}
        )
        # an old column as the release before made it, with its index, key,
        # field row and xml id
        cr.execute(
            "ALTER TABLE helpdesk_ticket ADD COLUMN sla_hs_probe int4 "
            "REFERENCES res_partner(id) ON DELETE SET NULL"
        )
        cr.execute(
            "CREATE INDEX helpdesk_ticket__sla_hs_probe_index "
            "ON helpdesk_ticket (sla_hs_probe)"
        )
        cr.execute(
            "UPDATE helpdesk_ticket SET sla_hs_probe = %s WHERE id = %s",
            (self.env.user.partner_id.id, case.id),
        )
        cr.execute(
            "INSERT INTO ir_model_fields "
            "(model_id, model, name, ttype, state, field_description, store) "
            "VALUES (%s, 'helpdesk.ticket', 'sla_hs_probe', 'many2one', 'base', "
            '\'{"en_US": "Probe"}\', true) RETURNING id',
            [self.env["ir.model"]._get_id("helpdesk.ticket")],
        )
        field_id = cr.fetchone()[0]
        self.env["ir.model.data"].create(
            {
                "module": "hybrid_support_intake",
                "name": "field_helpdesk_ticket__sla_hs_probe",
                "model": "ir.model.fields",
                "res_id": field_id,
            }
        )
        for _run in range(2):  # the second run finds it done and changes nothing
            rename_field(cr, "helpdesk.ticket", "sla_hs_probe", "hs_sla_hs_probe")
        self.assertEqual(self.columns(), {"hs_sla_hs_probe"})
        cr.execute(
            "SELECT hs_sla_hs_probe FROM helpdesk_ticket WHERE id = %s", [case.id]
        )
        self.assertEqual(cr.fetchone()[0], self.env.user.partner_id.id)
        cr.execute(
            "SELECT to_regclass('helpdesk_ticket__hs_sla_hs_probe_index'), "
            "to_regclass('helpdesk_ticket__sla_hs_probe_index')"
        )
        self.assertEqual(
            [bool(v) for v in cr.fetchone()], [True, False], "index renamed, no copy"
        )
        cr.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'helpdesk_ticket'::regclass "
            "AND conname LIKE '%%sla_hs_probe_fkey'"
        )
        self.assertEqual(
            [row[0] for row in cr.fetchall()], ["helpdesk_ticket_hs_sla_hs_probe_fkey"]
        )
        cr.execute("SELECT name FROM ir_model_fields WHERE id = %s", [field_id])
        self.assertEqual(cr.fetchone()[0], "hs_sla_hs_probe")
        self.assertTrue(
            self.env.ref(
                "hybrid_support_intake.field_helpdesk_ticket__hs_sla_hs_probe",
                raise_if_not_found=False,
            )
        )
