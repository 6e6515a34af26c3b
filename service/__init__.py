"""The query service: the competency-question catalogue and the read-only SPARQL endpoint."""
