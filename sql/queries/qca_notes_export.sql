-- Notes on the QCA (limited diversity, contradictions, ties).
select * from qca_notes order by note_order
