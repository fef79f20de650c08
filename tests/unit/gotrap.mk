# Unit tests of the gotrap piece.
