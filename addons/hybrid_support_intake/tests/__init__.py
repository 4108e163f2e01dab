from . import (
    test_tools,
    test_gateway,
    test_bad_input,
    test_security,
    test_structure,
    test_routing,
    test_duplicates,
    test_merge,
    test_import,
    test_attacks,
    test_gateway_concurrency,
    test_delivery_paths,
    test_assignment,
    test_channels,
    test_intents,
)
from . import test_attacks_patterns, test_attacks_import
from . import test_job_conflicts
from . import test_field_rename
from . import test_attacks_shared_address, test_attacks_case_key
