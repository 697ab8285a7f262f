"""Scoring: retrieval, the offline scorer, the LLM judge, red flags and the code runner."""
