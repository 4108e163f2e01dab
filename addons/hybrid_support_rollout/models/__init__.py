from . import hybrid_support_rollout_wave
from . import hybrid_support_rollout_baseline
from . import hybrid_support_rollout_baseline_line
from . import hybrid_support_rollout_goal
