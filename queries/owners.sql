SELECT owner_id, name, title, email FROM owners ORDER BY name
