"""Trainers' tools: how, why, why-not and what-if explanations of a plan."""
