"""Pilot tests: press keys, check the state of the app and what it shows."""
