from . import (
    test_anonymise,
    test_attacks,
    test_deflection,
    test_help_center,
    test_help_search,
    test_help_urls,
    test_kb,
    test_kb_drafts,
    test_kb_gaps,
)
