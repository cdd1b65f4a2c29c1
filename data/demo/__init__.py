"""The demo warehouse: a believable CX programme (generator), its comment corpus and demo commitments."""
