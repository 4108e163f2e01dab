from . import test_waves_tools
from . import test_wave
