def post_init_hook(env):
    """Every company's catalogue holds the intents the keyword lexicon names."""
    env["hybrid.support.intent"]._ensure_lexicon(env["res.company"].search([]))
