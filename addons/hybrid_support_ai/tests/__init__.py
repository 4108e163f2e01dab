from . import test_lexicon, test_triage
