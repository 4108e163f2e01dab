from odoo.tests import BaseCase, tagged

from ..tools.health import WEIGHTS, Facts, components, explain, score


@tagged("at_install")
class TestHealthTools(BaseCase):
    """The health score's arithmetic, without a database."""

    def test_a_quiet_account_is_healthy(self):
        value, parts = score(Facts(recent=2, usual=2))
        self.assertEqual(value, 100)
        self.assertEqual(
            explain(Facts(recent=2, usual=2), parts), "No issue in the last 30 days."
        )

    def test_no_history_takes_nothing_off(self):
        self.assertEqual(score(Facts())[0], 100)

    def test_each_component_is_capped_at_its_weight(self):
        facts = Facts(
            recent=10,
            usual=1,
            negative=10,
            breached=10,
            reopened=10,
            waiting=50,
            csat=1.0,
            ratings=3,
        )
        parts = components(facts)
        self.assertEqual(
            parts, {name: float(weight) for name, weight in WEIGHTS.items()}
        )
        self.assertEqual(score(facts)[0], 0)  # more than 100 points off: floored at 0

    def test_shares_and_surge(self):
        facts = Facts(recent=4, usual=2, negative=1, breached=2, reopened=0, waiting=1)
        parts = components(facts)
        self.assertEqual(parts["volume"], 25.0)  # twice the usual rate
        self.assertEqual(parts["negative"], 6.2)  # a quarter of 25, rounded
        self.assertEqual(parts["breaches"], 12.5)
        self.assertEqual(parts["reopened"], 0.0)
        self.assertEqual(parts["waiting"], 3.0)
        self.assertEqual(score(facts)[0], round(100 - sum(parts.values())))
        lines = explain(facts, parts).splitlines()
        self.assertIn("-12.5: 2 of 4 recent cases breached their SLA", lines)
        self.assertEqual(len(lines), 4)  # reopened and satisfaction took nothing

    def test_ratings_only_when_there_are_some(self):
        self.assertEqual(components(Facts(csat=None))["satisfaction"], 0.0)
        self.assertEqual(components(Facts(csat=5.0))["satisfaction"], 0.0)
        self.assertEqual(components(Facts(csat=3.0))["satisfaction"], 10.0)
