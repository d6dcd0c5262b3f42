"""`qgoose-tui serve`: the seed's REST API and its model-manager page, over one HostSession.

api.py answers the seed's endpoints, security.py guards them (token, origin, size),
app.py puts routes, guards and the static page together, server.py runs it.
Nothing here imports Textual.
"""
