"""Reviewer side: section alignment and comparison, text diff, review views."""
