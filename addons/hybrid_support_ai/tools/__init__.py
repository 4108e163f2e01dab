from . import lexicon
