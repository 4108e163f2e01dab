"""Rename fields of an installed database before Odoo loads the new code
(pre-migration), so that their columns, data and metadata are kept instead of
being dropped and created again empty.

Used by the migrations of the suite's addons (issue 19: the fields they add to
helpdesk.ticket got an ``hs_`` prefix). SQL on a cursor, no ORM: the
registry of a pre-migration still describes the old code. Every step checks
the current state first, so running it twice changes nothing.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# names that are also English words or other models' fields: replaced in the
# views of the renamed field's model only
GENERIC = {"summary", "language", "sentiment", "urgency", "frustrated", "reopen_count"}


def _table_of(model):
    return model.replace(".", "_")


def _column_exists(cr, table, column):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND table_name = %s AND column_name = %s""",
        (table, column),
    )
    return bool(cr.rowcount)


def _rename_index(cr, old, new):
    cr.execute("SELECT to_regclass(%s), to_regclass(%s)", (old, new))
    old_exists, new_exists = cr.fetchone()
    if old_exists and not new_exists:
        cr.execute(
            SQL("ALTER INDEX %s RENAME TO %s", SQL.identifier(old), SQL.identifier(new))
        )


def _rename_constraint(cr, table, old, new):
    cr.execute(
        """SELECT conname FROM pg_constraint
            WHERE conrelid = to_regclass(%s) AND conname IN (%s, %s)""",
        (table, old, new),
    )
    names = {row[0] for row in cr.fetchall()}
    if old in names and new not in names:
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                SQL.identifier(table),
                SQL.identifier(old),
                SQL.identifier(new),
            )
        )
        cr.execute(
            "UPDATE ir_model_constraint SET name = %s WHERE name = %s", (new, old)
        )


def rename_field(cr, model, old, new, mixins=()):
    """Rename field ``old`` of ``model`` (and of the abstract ``mixins`` that
    declare it) to ``new``: column, its index and foreign key, the field's
    ``ir_model_fields`` row, the xml ids of the field and of its selection
    values (so Odoo neither drops the column nor empties a selection)."""
    table = _table_of(model)
    if _column_exists(cr, table, old) and not _column_exists(cr, table, new):
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME COLUMN %s TO %s",
                SQL.identifier(table),
                SQL.identifier(old),
                SQL.identifier(new),
            )
        )
        _logger.info("%s: column %s renamed to %s", table, old, new)
    _rename_index(cr, f"{table}__{old}_index", f"{table}__{new}_index")
    _rename_constraint(cr, table, f"{table}_{old}_fkey", f"{table}_{new}_fkey")
    for owner in (model, *mixins):
        owner_table = _table_of(owner)
        cr.execute(
            """UPDATE ir_model_fields SET name = %s
                WHERE model = %s AND name = %s
                  AND NOT EXISTS (SELECT 1 FROM ir_model_fields
                                   WHERE model = %s AND name = %s)""",
            (new, owner, old, owner, new),
        )
        renames = [
            (f"field_{owner_table}__{old}", f"field_{owner_table}__{new}", False),
            (
                f"selection__{owner_table}__{old}__",
                f"selection__{owner_table}__{new}__",
                True,
            ),
        ]
        for before, after, prefix in renames:
            cr.execute(
                """UPDATE ir_model_data d
                      SET name = %s || substr(d.name, length(%s) + 1)
                    WHERE d.model IN ('ir.model.fields', 'ir.model.fields.selection')
                      AND (CASE WHEN %s THEN d.name LIKE %s ELSE d.name = %s END)
                      AND NOT EXISTS (
                          SELECT 1 FROM ir_model_data o
                           WHERE o.module = d.module
                             AND o.name = %s || substr(d.name, length(%s) + 1))""",
                (
                    after,
                    before,
                    prefix,
                    before.replace("_", r"\_") + "%",
                    before,
                    after,
                    before,
                ),
            )
    # The suite's views still hold the old names until their module reloads
    # them from its files; a module's view validated beside a sibling not yet
    # reloaded (or another suite addon's) would fail on a field that is gone.
    # Their arch is replaced from the files right after.
    cr.execute(
        r"""UPDATE ir_ui_view v
               SET arch_db = regexp_replace(v.arch_db::text, %s, %s, 'g')::jsonb
             WHERE v.arch_db::text ~ %s
               AND (v.model = %s OR NOT %s)
               AND v.id IN (SELECT res_id FROM ir_model_data
                             WHERE model = 'ir.ui.view'
                               AND module LIKE 'hybrid\_support\_%%')""",
        (rf"\m{old}\M", new, rf"\m{old}\M", model, old in GENERIC),
    )
    # saved filters and favourites of the model's lists
    cr.execute(
        r"""UPDATE ir_filters
               SET domain = regexp_replace(domain, %s, %s, 'g'),
                   context = regexp_replace(context, %s, %s, 'g'),
                   sort = regexp_replace(sort, %s, %s, 'g')
             WHERE model_id = %s
               AND (domain ~ %s OR context ~ %s OR sort ~ %s)""",
        (
            *(rf"\m{old}\M", new) * 3,
            model,
            *(rf"\m{old}\M",) * 3,
        ),
    )


def rename_fields(cr, model, names, mixins=()):
    """``names``: {old: new}; see rename_field."""
    for old, new in names.items():
        rename_field(cr, model, old, new, mixins=mixins)
