"""Commitments on screen, one module per thing a page shows of them.

* badges: a commitment's status, due date, scope, progress and effect, in a few words each
* register: the register table and its CSV, the short list on other pages, a trend's milestones
* form: every field of one commitment (the commitment page), and the note both editors share
* history: what changed, version by version, and what someone else saved first (a conflict)
* editor: a commitment card on its owner's page, editable in place

Pure builders: frames and dicts in, components out. Every commitment row or card carries DESIGN.md's
attributes (components.attributes.commitment_attributes).
"""
