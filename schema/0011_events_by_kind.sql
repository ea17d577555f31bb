-- Schema 11: the events by kind and time.
--
-- `report summary`'s activity by week counted the events of its last twelve weeks by reading
-- each one's row for its action: on a store that imported a million claims last month, a
-- million rows read and grouped (1.8 s at 1,000,000 events). With the events indexed by action
-- and time, each week's count of each kind is a range of this index, and the week's total a
-- range of `events_at`; no row is read.
CREATE INDEX events_kind ON events (action, at);
