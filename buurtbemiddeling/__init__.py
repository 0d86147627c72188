"""Buurtbemiddeling: the coordinator's admin and the domain rules, one module per area of work."""
