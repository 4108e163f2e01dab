from . import test_attacks, test_help_urls, test_kb
