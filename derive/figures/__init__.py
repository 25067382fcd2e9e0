"""Where a figure puts things, in cm: ``geometry`` (boxes, segments, label sizes),
``graph_layout`` (a graph's columns and rows) and ``graph_scene`` (its edges and labels)."""
