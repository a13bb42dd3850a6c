"""triangulate: mixed-methods triangulation for realist case studies."""
