from . import test_waves_tools
from . import test_wave
from . import test_baseline_tools
from . import test_baseline
from . import test_hypercare
from . import test_feedback
