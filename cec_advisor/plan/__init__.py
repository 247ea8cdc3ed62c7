"""The plan: ordered, scheduled and justified from what the engine concluded."""
