"""The data model, the Neo4j connection and the local server's lifecycle."""
