from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.hybrid_support_escalation.tools import kpi as kpi_tools

from .test_sla import SlaCase

# Friday 2026-11-20 15:00 in Brussels (14:00 UTC), the Monday after, etc.
FRIDAY_3PM = datetime(2026, 11, 20, 14, 0)
MONDAY_10AM = datetime(2026, 11, 23, 9, 0)
MONDAY_NOON = datetime(2026, 11, 23, 11, 0)
TUESDAY_NOON = datetime(2026, 11, 24, 11, 0)


class KpiCase(SlaCase):
    """Cases of known histories on the Brussels office (09:00-17:00)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["hybrid.support.case.kpi"]
        cls.Report = cls.env["hybrid.support.kpi.report"]
        cls.closed_stage = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        cls.open_stage = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", False)], order="sequence", limit=1
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_kpi_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.own_agent = new_test_user(
            cls.env,
            login="hs_kpi_own",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
        )

    def open_case(self, name="Printer broken", when=FRIDAY_3PM, **values):
        with freeze_time(when):
            return self.Ticket.create(
                {
                    "name": name,
                    "description": "It does not print.",
                    "team_id": self.team.id,
                    "partner_id": self.customer.id,
                    **values,
                }
            )

    def agent_reply(self, ticket, when, body="Try turning it off and on."):
        with freeze_time(when):
            ticket.with_user(self.agent).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def customer_writes(self, ticket, when, body="Still broken."):
        with freeze_time(when):
            ticket.message_post(
                body=body,
                author_id=self.customer.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )

    def close(self, ticket, when):
        with freeze_time(when):
            ticket.with_user(self.agent).stage_id = self.closed_stage

    def kpi(self, ticket):
        return self.Kpi.search([("ticket_id", "=", ticket.id)])


@tagged("post_install", "-at_install")
class TestCaseKpis(KpiCase):
    def test_first_response_and_resolution_count_working_hours_across_a_weekend(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        kpi = self.kpi(case)
        # Friday 15:00-17:00 and Monday 09:00-10:00 Brussels: 3 working hours
        self.assertAlmostEqual(kpi.first_response_hours, 3.0, places=2)
        # ... and Monday 09:00-12:00: 5 working hours to the closing
        self.assertAlmostEqual(kpi.resolution_hours, 5.0, places=2)
        self.assertEqual(kpi.first_response_date, MONDAY_10AM)
        self.assertEqual(kpi.closed_date, MONDAY_NOON)

    def test_one_reply_then_closed_is_a_first_contact_resolution(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        self.assertTrue(self.kpi(case).first_contact_resolution)

    def test_a_customer_message_after_the_reply_is_no_first_contact_resolution(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.customer_writes(case, MONDAY_10AM + timedelta(minutes=30))
        self.close(case, MONDAY_NOON)
        kpi = self.kpi(case)
        self.assertTrue(kpi.customer_wrote_after_reply)
        self.assertFalse(kpi.first_contact_resolution)

    def test_two_replies_are_no_first_contact_resolution(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.agent_reply(case, MONDAY_10AM + timedelta(minutes=5), "Also this.")
        self.close(case, MONDAY_NOON)
        self.assertEqual(self.kpi(case).agent_replies, 2)
        self.assertFalse(self.kpi(case).first_contact_resolution)

    def test_a_reopened_case_loses_its_first_contact_resolution(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        self.assertTrue(self.kpi(case).first_contact_resolution)
        with freeze_time(TUESDAY_NOON):
            case._hs_reopen()  # what the customer's reply to a closed case does
        self.assertEqual(self.kpi(case).reopen_count, 1)
        self.assertFalse(self.kpi(case).first_contact_resolution)
        self.close(case, TUESDAY_NOON + timedelta(hours=1))
        kpi = self.kpi(case)
        self.assertFalse(kpi.first_contact_resolution)
        # Friday 2 h + Monday 8 h + Tuesday 09:00-13:00 4 h
        self.assertAlmostEqual(kpi.resolution_hours, 14.0, places=2)

    def test_notes_and_the_acknowledgement_are_no_reply(self):
        case = self.open_case()
        with freeze_time(MONDAY_10AM):
            case.with_user(self.agent).message_post(
                body="internal", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.assertFalse(self.kpi(case).first_response_date)

    def test_sla_result_and_escalation_are_kept_at_closing(self):
        met = self.open_case("Met")
        self.agent_reply(met, MONDAY_10AM)  # 3 h of 4: met
        self.close(met, MONDAY_NOON)  # 5 h of 16: met
        late = self.open_case("Late")
        self.agent_reply(late, TUESDAY_NOON)  # 2 + 8 + 3 h: first response breached
        late.with_context(hs_routing=True).hs_escalation_level = 1
        self.close(late, TUESDAY_NOON + timedelta(minutes=5))
        self.assertEqual(self.kpi(met).sla_result, "met")
        self.assertEqual(self.kpi(late).sla_result, "breached")
        self.assertTrue(self.kpi(late).escalated)
        self.assertFalse(self.kpi(met).escalated)
        self.Report.flush_model()
        groups = self.Report._read_group(
            [("ticket_id", "in", (met | late).ids)], [], ["sla_rate:avg"]
        )
        self.assertEqual(groups[0][0], 50.0)

    def test_model_decisions_changed_by_an_agent_make_the_override_rate(self):
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Billing"})
        kept = self.open_case("Kept", hs_source_message_id="<kept@customer.example>")
        changed = self.open_case(
            "Changed", hs_source_message_id="<changed@customer.example>"
        )
        Log = self.env["hybrid.support.routing.log"]
        Log.create(
            [
                Log._values(
                    case,
                    "model",
                    "team_id",
                    self.env["helpdesk.ticket.team"],
                    self.team,
                    model_name="Team model",
                    model_version="3",
                    confidence=0.9,
                )
                for case in (kept, changed)
            ]
        )
        changed.with_user(self.agent).team_id = other_team  # an agent overrides
        self.assertTrue(self.kpi(changed).ai_overridden)
        self.assertFalse(self.kpi(kept).ai_overridden)
        self.assertEqual(self.kpi(kept).ai_model, "Team model v3")
        self.assertTrue(self.kpi(kept).auto_routed)
        self.assertTrue(self.kpi(changed).agent_rerouted)
        self.Report.flush_model()
        [(rate,)] = self.Report._read_group(
            [("ticket_id", "in", (kept | changed).ids)], [], ["override_rate:avg"]
        )
        self.assertEqual(rate, 50.0)
        routing = dict(
            self.Report._read_group(
                [("ticket_id", "in", (kept | changed).ids)], ["routing"], ["__count"]
            )
        )
        self.assertEqual(routing, {"auto": 1, "reviewed": 1})

    def test_ratings_make_the_csat_average(self):
        happy, unhappy = self.open_case("Happy"), self.open_case("Unhappy")
        for case, value in ((happy, 5), (unhappy, 1)):
            token = case._rating_get_access_token()
            case.rating_apply(value, token=token, feedback="ok")
        self.assertEqual(self.kpi(happy).rating, 5)
        self.Report.flush_model()
        [(average, count)] = self.Report._read_group(
            [("ticket_id", "in", (happy | unhappy).ids)],
            [],
            ["rating:avg", "case_count:sum"],
        )
        self.assertEqual((average, count), (3.0, 2))

    def test_a_manager_reads_every_case_an_own_cases_agent_only_theirs(self):
        mine = self.open_case("Mine", user_id=self.own_agent.id)
        theirs = self.open_case("Theirs", user_id=self.agent.id)
        self.agent_reply(theirs, MONDAY_10AM)
        self.Report.flush_model()
        cases = (mine | theirs).ids
        as_manager = self.Report.with_user(self.manager).search(
            [("ticket_id", "in", cases)]
        )
        as_own = self.Report.with_user(self.own_agent).search(
            [("ticket_id", "in", cases)]
        )
        self.assertEqual(as_manager.ticket_id, mine | theirs)
        self.assertEqual(as_own.ticket_id, mine)
        self.assertFalse(
            self.Kpi.with_user(self.own_agent).search([("ticket_id", "=", theirs.id)])
        )
        # and neither may write the stored KPIs
        kpi = self.kpi(theirs).with_user(self.manager)
        with self.assertRaises(AccessError):
            kpi.write({"first_response_hours": 0})

    def test_kpi_rules_in_plain_python(self):
        self.assertTrue(kpi_tools.first_contact_resolution(1, False, 0))
        self.assertFalse(kpi_tools.first_contact_resolution(0, False, 0))
        self.assertFalse(kpi_tools.first_contact_resolution(1, True, 0))
        self.assertFalse(kpi_tools.first_contact_resolution(1, False, 1))
        self.assertEqual(kpi_tools.sla_result([], FRIDAY_3PM), False)
        late = [("ongoing", FRIDAY_3PM, False)]
        self.assertEqual(kpi_tools.sla_result(late, MONDAY_NOON), "breached")
        self.assertEqual(kpi_tools.sla_result(late, FRIDAY_3PM), "met")
        self.assertEqual(kpi_tools.valid_effort("7"), 7)
        self.assertIsNone(kpi_tools.valid_effort("8"))
        self.assertIsNone(kpi_tools.valid_effort("1; DROP"))
        self.assertEqual(
            kpi_tools.request_blocked("auto-reply", "a@b.example", False, False),
            "automated",
        )
        events = kpi_tools.routing_events(
            [
                ("model", "team_id", "Team model", "3"),
                ("fallback", "user_id", "", ""),
                ("model", False, "Shadow model", "4"),  # decided nothing
            ]
        )
        self.assertEqual(
            events,
            {"auto_routed": True, "ai_decided": True, "ai_model": "Team model v3"},
        )
        self.assertEqual(
            kpi_tools.routing_events([("fallback", "user_id", "", "")]), {}
        )
        self.assertEqual(
            kpi_tools.routing_events([("override", "team_id", "", "")], {"team_id"}),
            {"agent_rerouted": True, "ai_overridden": True},
        )
        self.assertEqual(
            kpi_tools.routing_events([("override", "user_id", "", "")], {"team_id"}),
            {"agent_rerouted": True},
        )

    def test_rating_request_skip_rules_in_plain_python(self):
        asked_friday = FRIDAY_3PM
        skipped = kpi_tools.request_skipped
        # a blocked requester stays blocked, whatever the team does
        self.assertEqual(skipped("employee", True, 30, None, MONDAY_NOON), "employee")
        self.assertEqual(skipped(None, False, 30, None, MONDAY_NOON), "team_off")
        # asked three days ago: within a week's window, outside a day's
        self.assertEqual(
            skipped(None, True, 7, asked_friday, MONDAY_NOON), "rate_limited"
        )
        self.assertIsNone(skipped(None, True, 1, asked_friday, MONDAY_NOON))
        # no window, or never asked: sent
        self.assertIsNone(skipped(None, True, 0, asked_friday, MONDAY_NOON))
        self.assertIsNone(skipped(None, True, 7, None, MONDAY_NOON))
        # the window's edge is still inside it
        edge = MONDAY_NOON - timedelta(days=7)
        self.assertEqual(skipped(None, True, 7, edge, MONDAY_NOON), "rate_limited")

    def test_later_routing_decisions_keep_what_earlier_ones_set(self):
        case = self.open_case("Routed twice")
        Log = self.env["hybrid.support.routing.log"]
        nobody = self.env["res.users"]
        Log.create(Log._values(case, "fallback", "user_id", nobody, self.agent))
        row = self.kpi(case)
        self.assertEqual(len(row), 1, "the first decision makes the row")
        self.assertFalse(row.auto_routed or row.ai_decided or row.agent_rerouted)
        write_date = row.write_date
        Log.create(
            Log._values(
                case,
                "model",
                "team_id",
                self.env["helpdesk.ticket.team"],
                self.team,
                model_name="Team model",
                model_version="3",
                confidence=0.9,
            )
        )
        # the row read before is not served stale from the cache
        self.assertTrue(row.ai_decided)
        self.assertTrue(row.auto_routed)
        self.assertEqual(row.ai_model, "Team model v3")
        self.assertGreaterEqual(row.write_date, write_date)
        Log.create(Log._values(case, "fallback", "user_id", nobody, self.agent))
        self.assertTrue(row.ai_decided, "a decision that sets nothing keeps the flags")
        self.assertEqual(row.ai_model, "Team model v3")
        self.assertEqual(len(self.kpi(case)), 1)
