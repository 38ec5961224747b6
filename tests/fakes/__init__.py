"""Fakes of outside systems that are real code: servers listening on loopback."""
