// Binds the traversal sources: "g" (what gremlinpython's DriverRemoteConnection(url, "g") addresses, as on Neptune)
// over the graph the writers upsert into, and "bulk" over a second graph the tests fill from the export CSV.
def globals = [:]
globals << [g : traversal().withEmbedded(graph)]
globals << [bulk : traversal().withEmbedded(bulk)]
