"""Global state Keras keeps between models: layer auto-naming and the random seed."""

import collections
import random as _random

_uids = collections.defaultdict(int)
_seed_source = None


def unique_name(base):
    """``dense``, then ``dense_1``, ``dense_2``, ... (Keras's auto-naming)."""
    count = _uids[base]
    _uids[base] += 1
    return base if count == 0 else f"{base}_{count}"


def clear_session(free_memory=True):
    """Resets layer and model auto-naming (``dense``, ``dense_1``, ... start again), as
    ``keras.backend.clear_session()`` does."""
    _uids.clear()


def set_seed(seed):
    global _seed_source
    _seed_source = _random.Random(seed)


def next_seed():
    """The seed of the next model: drawn from ``set_random_seed``'s stream (so the same
    script gives the same weights), or at random."""
    if _seed_source is None:
        return _random.SystemRandom().getrandbits(63)
    return _seed_source.getrandbits(63)


def floatx():
    return "float32"


def epsilon():
    return 1e-7
