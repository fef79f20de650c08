# e2e tests of the sampler piece.
