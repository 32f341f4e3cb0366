"""`--backend spark`: the session, fixity and parsing of a corpus on Spark executors (pyspark lazily)."""
