"""Recorders of the saved test cases (tests/cases/): real answers of the fixture marketplace."""
