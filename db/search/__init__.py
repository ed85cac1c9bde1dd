"""Full-text search on either engine. Modules by what they are:

- expression: the query's syntax tree and its compilers (FTS5 MATCH text, tsquery)
- spec: what a search asks for (Filters, Search) and what a ranking gives (Ranked, Match)
- statement: the statement selecting a search's matches, built in named steps
- index: the interface each engine's index implements; engines: the one for a connection
- sqlite, postgres: the two indexes; top_k: SQLite's precomputed top-k lists of bm25
- results: pages, every result, counts, facets, alert matching; rows: what results show
"""
