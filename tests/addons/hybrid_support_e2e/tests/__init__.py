from . import test_demo, test_email_to_portal, test_hostile_corpus
