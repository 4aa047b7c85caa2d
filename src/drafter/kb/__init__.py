"""Knowledge-base stage: ingest → chunk → embed → store (chromadb) + BM25 → retrieve."""
