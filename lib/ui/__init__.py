"""The user interface layer: the only package that imports Streamlit."""
