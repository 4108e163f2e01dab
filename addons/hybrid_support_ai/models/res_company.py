from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_ai_min_training = fields.Integer(
        string="Cases needed to train",
        default=100,
        help="Labelled cases (reviewed, or closed with an intent) needed before a "
        "trained model replaces the keyword lexicons.",
    )
    hs_ai_retrain_after = fields.Integer(string="Retrain after new reviews", default=50)
    hs_ai_promotion_window = fields.Integer(
        string="Promotion window",
        default=50,
        help="A shadow version is promoted when it beats the active one on this "
        "many most recently reviewed cases.",
    )
    hs_ai_lexicon_threshold = fields.Float(
        string="Keyword confidence for no review",
        default=0.6,
        help="Before a model is trained, keyword classifications under this "
        "confidence go to the review queue.",
    )

    _hs_ai_min_training_positive = models.Constraint(
        "CHECK(hs_ai_min_training >= 10)", "Training needs at least 10 cases."
    )
