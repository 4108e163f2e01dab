from . import test_attacks, test_portal
