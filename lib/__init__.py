"""Pure data, analysis, geography and figure code for the medicines-manufacturing dashboard.

Nothing in this package imports Streamlit except :mod:`lib.ui`.
"""
