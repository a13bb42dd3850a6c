"""Rendering: pages, dossiers, the ICAMO diagram, exports and PDFs."""
