from . import (
    test_attacks,
    test_classifier,
    test_drafts,
    test_embeddings,
    test_lexicon,
    test_llm,
    test_priority_and_retraining,
    test_redact,
    test_review_loop,
    test_routing_models,
    test_sentiment,
    test_triage,
)
