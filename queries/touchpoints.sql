SELECT touchpoint_id, name, journey_stage, stage_order, channel
FROM touchpoints
ORDER BY stage_order, name
