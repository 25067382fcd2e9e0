"""Grading a class against its answer key (``generate --grade``): ``grade`` reads the answers
and marks each part with carried credit, ``class_report`` sums up the class, ``report_pdf``
prints it."""
