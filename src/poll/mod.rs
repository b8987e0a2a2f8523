//! Fleet polling: targets, schedule, pacing, counter rates and the record model.
