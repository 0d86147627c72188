"""Small pure pieces shared by the public site builder, the public forms and the admin.

Nothing here imports Flask, the store or the admin package (`buurtbemiddeling`): the
site builder may use every module of this package. See docs/internals.md for the
rule each module is the home of.
"""
