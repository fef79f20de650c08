# Unit tests of the sampler piece.
