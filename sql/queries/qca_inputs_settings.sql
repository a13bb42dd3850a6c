-- The QCA settings (thresholds and the ordered condition list).
select * from qca_settings
