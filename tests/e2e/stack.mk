# e2e tests of the stack piece.
