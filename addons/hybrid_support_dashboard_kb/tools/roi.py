"""What support automation saves, from plain numbers (no ORM).

The ROI report (``hybrid.support.roi.report``) computes the same formulas
row by row in SQL, so that a spreadsheet can sum them over any period or
team; the tests check both against each other on fixture histories.

- **Savings from self-service** = deflections x (cost of an assisted case -
  cost of a self-service resolution), never negative: each question the help
  center answered before any case would otherwise have been a case.
- **Agent hours saved by drafts** = for each case closed with a proposed
  draft sent, (1 - the draft's edit rate) x the minutes an agent takes to
  write a reply, / 60: a draft sent as is saves the whole reply, a draft
  rewritten entirely saves nothing. The edit rate is kept within 0-1.
"""


def self_service_savings(deflections, cost_per_case, cost_per_self_service):
    """Money the help center's answers saved."""
    return deflections * max(
        (cost_per_case or 0.0) - (cost_per_self_service or 0.0), 0.0
    )


def draft_minutes_saved(edit_rate, reply_minutes):
    """Agent minutes one sent draft saved."""
    kept = 1.0 - min(max(edit_rate or 0.0, 0.0), 1.0)
    return kept * max(reply_minutes or 0.0, 0.0)


def draft_hours_saved(edit_rates, reply_minutes):
    """Agent hours the sent drafts saved; ``edit_rates``: one per case
    closed with a draft sent."""
    return sum(draft_minutes_saved(rate, reply_minutes) for rate in edit_rates) / 60.0
