"""Readers for the files researchers already have.

Each reader turns one kind of file into plain rows for `flows.ingest`, which
maps them onto the study (`StudyData`); none of them knows about the
warehouse or the dossiers.

- `refi`      REFI-QDA projects (`.qdpx`, or a `.qde` with its `sources/` folder)
- `segments`  coded-segment spreadsheets: QualCoder, MAXQDA, Dedoose, generic
- `qda`       the structure both share (sources, codings, cases, variables) and
              its mapping onto informants, interviews, cases and themes
- `surveys`   survey tables: CSV/XLSX (wide or long), SPSS, Stata, REDCap
- `stat_files` SPSS and Stata files, read by pyreadstat in a child process
- `offsets`   how QDA tools count text positions, and detecting which one did
- `tables`    CSV and XLSX sheets as rows of text, with limits (`cells`: one value as text)
- `safe_zip`, `safe_xml`  refusing hostile archives and XML

Every reader either returns rows (listing what it could not load in the
rejects, with file, row or element, and a reason that never repeats a cell
value) or raises the project's own `InputFileError` / `UnsafeInputError`.
"""
