"""Completeness checks of DPAs against Art. 28 and Chapter V GDPR (SHACL shapes in `shapes/`)."""
