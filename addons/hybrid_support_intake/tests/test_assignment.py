from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools.assignment import pick_agent


@tagged("at_install")
class TestAssignment(BaseCase):
    """The fallback assignment's arithmetic, without a database."""

    def test_last_agent_wins_only_while_in_the_team(self):
        self.assertEqual(
            pick_agent("least_loaded", [3, 5], last_agent=5, prefer_last_agent=True),
            (5, "last_agent"),
        )
        self.assertEqual(
            pick_agent("least_loaded", [3, 5], last_agent=9, prefer_last_agent=True),
            (3, "least_loaded"),
        )
        self.assertEqual(
            pick_agent("least_loaded", [3, 5], last_agent=5, prefer_last_agent=False)[
                1
            ],
            "least_loaded",
        )

    def test_least_loaded_then_lowest_id(self):
        counts = {3: 4, 5: 1, 7: 1}
        self.assertEqual(
            pick_agent("least_loaded", [3, 5, 7], open_counts=counts)[0], 5
        )
        self.assertEqual(pick_agent("least_loaded", [7, 3], open_counts={})[0], 3)

    def test_round_robin_longest_without_a_case(self):
        latest = {3: datetime(2026, 1, 2), 5: datetime(2026, 1, 1)}
        self.assertEqual(pick_agent("round_robin", [3, 5, 7], latest=latest)[0], 7)
        self.assertEqual(pick_agent("round_robin", [3, 5], latest=latest)[0], 5)

    def test_no_candidate_or_no_method_assigns_nobody(self):
        self.assertEqual(pick_agent("round_robin", []), (None, ""))
        self.assertEqual(pick_agent("none", [3]), (None, ""))
