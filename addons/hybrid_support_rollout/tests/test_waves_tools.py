"""The wave's state machine and its choice of accounts, in plain Python."""

import itertools

from odoo.tests import BaseCase, tagged

from ..tools.waves import STATES, rank_accounts, transition_refusal


@tagged("post_install", "-at_install")
class TestWaveTransitions(BaseCase):
    def test_forward_path_is_allowed(self):
        path = ["planned", "pilot", "active", "hypercare", "done"]
        for current, target in itertools.pairwise(path):
            self.assertIsNone(transition_refusal(current, target), (current, target))

    def test_started_waves_can_be_rolled_back_and_restored(self):
        for state in ("pilot", "active", "hypercare", "done"):
            self.assertIsNone(transition_refusal(state, "rolled_back"))
            self.assertIsNone(transition_refusal("rolled_back", state))

    def test_refusals_say_why(self):
        self.assertEqual(transition_refusal("pilot", "pilot"), "already pilot")
        self.assertEqual(
            transition_refusal("planned", "done"), "cannot go from Planned to Done"
        )
        self.assertIsNotNone(transition_refusal("planned", "rolled_back"))
        self.assertIsNotNone(transition_refusal("done", "pilot"))
        self.assertIsNotNone(transition_refusal("rolled_back", "planned"))

    def test_every_state_has_a_label(self):
        self.assertEqual(
            [key for key, _label in STATES],
            ["planned", "pilot", "active", "hypercare", "done", "rolled_back"],
        )


@tagged("post_install", "-at_install")
class TestRankAccounts(BaseCase):
    VOLUME = {10: 4, 11: 9, 12: 4, 13: 1}

    def test_most_cases_first_then_the_oldest(self):
        self.assertEqual(
            rank_accounts([13, 12, 11, 10, 14], self.VOLUME), [11, 10, 12, 13, 14]
        )

    def test_at_least_min_cases_and_at_most_limit(self):
        self.assertEqual(
            rank_accounts([10, 11, 12, 13], self.VOLUME, min_cases=4), [11, 10, 12]
        )
        self.assertEqual(
            rank_accounts([10, 11, 12, 13], self.VOLUME, 4, limit=2), [11, 10]
        )
        self.assertEqual(rank_accounts([14], self.VOLUME, min_cases=1), [])
