from . import hybrid_support_onboarding
