"""Test helpers: the shared personas (`personas`) and each app's records for its tests and the access matrix."""
