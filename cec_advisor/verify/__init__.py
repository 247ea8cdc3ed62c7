"""Testers' tools: coverage, lint, per-rule cases, gap analysis and generated cases."""
