-- The QCA conditions in order, with the rule that decides each case's membership.
select condition_order, condition, label, membership_rule from qca_condition_set order by condition_order
