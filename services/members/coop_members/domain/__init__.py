"""Rules of the members service, in plain Python."""
