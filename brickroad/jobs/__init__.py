"""Background work: the sweeper (due goals) and delivery of outbox rows (webhooks, callbacks, mail).

Everything is claimed from the database, so any number of `brickroad worker`
processes (and the sweeper thread in `brickroad serve`) can share the work.
"""
