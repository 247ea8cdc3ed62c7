"""Consultants' tools: batch runs and the interview that builds a case file."""
