"""Use cases. Each takes its session and actor, raises domain errors, owns its commit."""
