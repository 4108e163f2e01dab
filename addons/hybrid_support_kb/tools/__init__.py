from . import similarity
