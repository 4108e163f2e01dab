import logging

from psycopg2 import errors, sql

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, ValidationError
from odoo.tools import mute_logger

from ..tools.intents import intent_code, is_valid_code

_logger = logging.getLogger(__name__)

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class HybridSupportIntent(models.Model):
    """What a customer asks for, one entry of the company's catalogue: the
    case's intent, the routing rules', SLA policies' and automation tiers'
    conditions all point here, so that a typo is impossible and a correction
    in the review queue picks an existing class. The classifiers learn the
    codes; the catch-all (``is_other``) is the class agents give to a case
    no intent fits."""

    _name = "hybrid.support.intent"
    _description = "Intent of a case"
    _order = "is_other, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        compute="_compute_code",
        store=True,
        readonly=False,
        precompute=True,
        help="What the classifiers learn and predict: lowercase words joined by "
        "_. Changing it makes the trained models forget the intent until the "
        "next training.",
        groups=AGENTS,
    )
    description = fields.Text(
        help="What belongs here and what does not: for the agents who review.",
        groups=AGENTS,
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        check_company=True,
        help="The team that usually handles it (for the agents and the reports).",
        groups=AGENTS,
    )
    never_automate = fields.Boolean(
        string="Never automate",
        help="Its answers always go through a person: no auto-send, whatever "
        "the edit rate of its drafts (legal, security).",
        groups=AGENTS,
    )
    is_other = fields.Boolean(
        string="Catch-all",
        readonly=True,
        help="The class of cases no intent fits ('None of these' in the review "
        "queue): the models learn it to send such emails to a person, and "
        "never apply it.",
        groups=AGENTS,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    ticket_count = fields.Integer(
        compute="_compute_ticket_count", string="Cases", groups=AGENTS
    )

    _code_unique = models.UniqueIndex(
        "(company_id, code)",
        "Another intent of this company has this code (perhaps archived).",
    )
    _name_unique = models.UniqueIndex(
        "(company_id, lower(name))",
        "Another intent of this company has this name (perhaps archived).",
    )
    _one_other = models.UniqueIndex(
        "(company_id) WHERE is_other", "A company has one catch-all intent."
    )

    @api.depends("name")
    def _compute_code(self):
        for intent in self:
            if not intent.code:
                intent.code = intent_code(intent.name)

    @api.constrains("code")
    def _check_code(self):
        for intent in self:
            if not is_valid_code(intent.code):
                raise ValidationError(
                    self.env._(
                        "The code of intent %(name)s must be lowercase letters and "
                        "digits, words joined by _ (e.g. order_status), at most 64 "
                        "characters: %(code)r is not.",
                        name=intent.name,
                        code=intent.code,
                    )
                )

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("hs_intent_id", "in", self.ids)], ["hs_intent_id"], ["__count"]
            )
        )
        for intent in self:
            intent.ticket_count = counts.get(intent, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("hs_intent_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Lookups for the classifiers and the migrations
    # ------------------------------------------------------------------

    @api.model
    def _by_code(self, company, codes):
        """{code: intent} of the active intents of ``company`` among ``codes``."""
        # sudo: the gateway and the training job read the catalogue whatever
        # their user (a portal user's message, the scheduler)
        return {
            intent.code: intent
            for intent in self.sudo().search_fetch(
                [("company_id", "=", company.id), ("code", "in", list(codes))],
                # what the gateway reads next for each new case (the triage,
                # the case's company check, the routing log): one query less
                ["code", "name", "is_other", "company_id"],
            )
        }

    @api.model
    def _other(self, company):
        """The catch-all intent of ``company``, made when it has none.

        Two workers making it at once (a new company, a deleted catch-all):
        the second waits on the unique indexes until the first commits, and
        then cannot read the first one's catch-all, committed after its
        transaction's snapshot (REPEATABLE READ; an INSERT ... ON CONFLICT
        would fail the same way). It ends with a ConcurrencyError, not a
        uniqueness error: Odoo runs an RPC call again with a fresh
        transaction, which finds the catch-all, and the gateway keeps a
        fetched email aside for the quarantine's job (mail_thread)."""
        # sudo: the catch-all is the suite's own class, there for every
        # company whoever first needs it (an agent answering "None of these")
        Intent = self.sudo().with_context(active_test=False)
        other = Intent.search(
            [("company_id", "=", company.id), ("is_other", "=", True)], limit=1
        )
        if other:
            return other
        values = self._other_values(company)
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                return Intent.create(values)
        except errors.UniqueViolation as error:
            taken = Intent.search([("company_id", "=", company.id)]).filtered(
                lambda intent: (
                    intent.code == values["code"]
                    or intent.name.lower() == values["name"].lower()
                )
            )
            if taken:  # an intent this transaction sees has its name or code
                raise
            raise ConcurrencyError(
                f"Another worker made the catch-all intent of company {company.id}"
            ) from error

    @api.model
    def _other_values(self, company):
        return {
            "name": self.env._("None of these"),
            "code": "none_of_these",
            "is_other": True,
            "description": self.env._(
                "Cases no intent fits: they always go to a person. Rename the "
                "recurring ones into new intents."
            ),
            "company_id": company.id,
        }

    @api.model
    def _ensure(self, company, values_list):
        """The intents of ``company`` with the codes of ``values_list`` (dicts
        of create values, ``code`` required), made when missing; archived
        ones are kept archived. Returns {code: intent}."""
        # sudo: the suite's own classes (the lexicon's, the migrated ones),
        # made whoever triggers it
        Intent = self.sudo().with_context(active_test=False)
        codes = [values["code"] for values in values_list]
        found = {
            intent.code: intent
            for intent in Intent.search(
                [("company_id", "=", company.id), ("code", "in", codes)]
            )
        }
        taken = {
            name.lower()
            for name in Intent.search([("company_id", "=", company.id)]).mapped("name")
        }
        missing = []
        for values in values_list:
            if values["code"] in found or values["code"] in {
                m["code"] for m in missing
            }:
                continue
            name = values.get("name") or values["code"]
            if name.lower() in taken:  # the name is another code's: keep both
                name = f"{name} ({values['code']})"
            taken.add(name.lower())
            missing.append({**values, "name": name, "company_id": company.id})
        for intent in Intent.create(missing):
            found[intent.code] = intent
        return found

    @api.model
    def _migrate_column(self, table, column, target, relation=None):
        """Move the free-text intents of ``table.column`` (one per row, or a
        comma-separated list when ``relation`` is given) into the catalogue:
        one intent per company and code (so "Billing " and "billing" become
        one), the catch-all for the classifier's old "other" label; then
        ``target`` (a Many2one column, added when missing) or ``relation``
        ``(table, own column, intent column)`` (a Many2many, existing) is
        filled and ``column`` dropped. Returns {company id: {code: intent}}.
        Nothing happens when ``column`` is gone (the migration already ran)."""
        cr = self.env.cr
        cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [table, column],
        )
        if not cr.rowcount:
            return {}
        if not relation:
            cr.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} int4").format(
                    sql.Identifier(table), sql.Identifier(target)
                )
            )
        cr.execute(
            sql.SQL(
                "SELECT id, company_id, {} FROM {} WHERE {} IS NOT NULL AND {} != ''"
            ).format(
                sql.Identifier(column),
                sql.Identifier(table),
                sql.Identifier(column),
                sql.Identifier(column),
            )
        )
        rows = cr.fetchall()
        by_company = {}  # {company id: {code: first spelling}}
        values_of_row = []  # [(row id, company id, [codes])]
        for row_id, company_id, text in rows:
            if company_id is None:
                continue
            spellings = text.split(",") if relation else [text]
            codes = []
            for spelling in spellings:
                code = intent_code(spelling)
                if not code:
                    _logger.warning(
                        "%s %s: intent %r has no usable code, left out",
                        table,
                        row_id,
                        spelling,
                    )
                    continue
                by_company.setdefault(company_id, {}).setdefault(code, spelling.strip())
                codes.append(code)
            values_of_row.append((row_id, company_id, codes))
        catalogue = {}
        for company_id, spellings in by_company.items():
            company = self.env["res.company"].browse(company_id)
            intents = {}
            if "other" in spellings:  # the review queue's old "None of these"
                intents["other"] = self._other(company)
                del spellings["other"]
            intents.update(
                self._ensure(
                    company,
                    [
                        {"code": code, "name": spelling}
                        for code, spelling in spellings.items()
                    ],
                )
            )
            catalogue[company_id] = intents
        pairs = [
            (row_id, catalogue[company_id][code].id)
            for row_id, company_id, codes in values_of_row
            for code in dict.fromkeys(codes)
        ]
        if pairs and relation:
            rel_table, own, other = relation
            cr.execute(
                sql.SQL(
                    "INSERT INTO {} ({}, {}) SELECT * FROM unnest(%s::int[], %s::int[])"
                    " ON CONFLICT DO NOTHING"
                ).format(
                    sql.Identifier(rel_table),
                    sql.Identifier(own),
                    sql.Identifier(other),
                ),
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        elif pairs:
            cr.execute(
                sql.SQL(
                    "UPDATE {table} SET {target} = new.intent_id FROM "
                    "unnest(%s::int[], %s::int[]) AS new(id, intent_id) "
                    "WHERE {table}.id = new.id"
                ).format(table=sql.Identifier(table), target=sql.Identifier(target)),
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        # CASCADE: SQL views reading the column (the KPI report) go with it;
        # their addons, updated after this one, make them again
        cr.execute(
            sql.SQL("ALTER TABLE {} DROP COLUMN {} CASCADE").format(
                sql.Identifier(table), sql.Identifier(column)
            )
        )
        _logger.info(
            "%s.%s: %s rows moved to %s intents of the catalogue",
            table,
            column,
            len(values_of_row),
            sum(len(intents) for intents in catalogue.values()),
        )
        self.env.invalidate_all()
        return catalogue
