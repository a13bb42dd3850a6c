"""Stance reading: lexicons, annotation, evaluation."""
