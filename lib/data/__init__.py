"""Data: schemas, loading and validating, the build from CSV, synthetic data, exports."""
