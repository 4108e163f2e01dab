from . import hybrid_support_rollout_wave
