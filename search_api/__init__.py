"""Answers people: the search API (/v1) and the Danish web pages."""
