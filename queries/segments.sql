SELECT segment_id, name, description FROM segments ORDER BY name
