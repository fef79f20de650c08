# Unit tests of the stack piece.
