"""The engines that enforce the catalogue's invariants (pandera, Great Expectations)."""
