"""Checking a student's hand computation (``derive --check``, grading).

``answers`` (read and validated) named by ``quantities``; ``own`` recomputes each step from
the student's earlier values (errors carried forward); ``mistakes`` names the typical slip a
wrong value shows; ``check`` gives one verdict per value.
"""
