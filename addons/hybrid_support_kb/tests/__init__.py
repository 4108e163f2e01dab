from . import test_kb
