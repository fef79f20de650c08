# e2e tests of the record piece.
