from . import test_attacks, test_help_center, test_help_search, test_help_urls, test_kb
