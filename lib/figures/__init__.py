"""Figures: Plotly figures and text tables for each page family, and the one theme."""
