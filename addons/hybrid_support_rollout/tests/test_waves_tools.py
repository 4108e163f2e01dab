"""The wave's state machine, in plain Python."""

import itertools

from odoo.tests import BaseCase, tagged

from ..tools.waves import STATES, transition_refusal


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
