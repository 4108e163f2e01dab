from . import hybrid_support_rollout_wave
from . import hybrid_support_rollout_baseline
from . import hybrid_support_rollout_baseline_line
from . import hybrid_support_rollout_goal
from . import hybrid_support_rollout_wave_hypercare
from . import hybrid_support_rollout_feedback
from . import helpdesk_ticket_hypercare
