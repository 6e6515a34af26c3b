"""Store backends besides the embedded Oxigraph directory (graph/store.py): a SPARQL 1.1 endpoint.

`endpoint.py` says where an endpoint's query, update and Graph Store Protocol URLs are,
`client.py` talks HTTP to them (SPARQLWrapper for queries and updates, urllib for the Graph Store
Protocol), `remote.py` offers the part of pyoxigraph's `Store` API the project uses on top of that,
so the store logic, the validation and the web service run unchanged on either backend.
"""
