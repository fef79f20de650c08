# e2e tests of the trap piece.
