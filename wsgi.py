"""The application as gunicorn serves it (`gunicorn -c gunicorn.conf.py wsgi:app`) and as
`flask --app wsgi` commands load it."""
import gc

from aspirasi import create_app

app = create_app()

# The garbage collector of a long-lived worker. What the app built at start (modules, mappers,
# templates, translations) lives as long as the worker: frozen, no full collection walks it
# again. A request leaves a few hundred objects in reference cycles; at Python's threshold of
# 700 new objects the youngest generation was collected about once a page, 0.35 ms of a 4.3 ms
# message page, and every 5,000 it costs 0.1 ms (the cycles wait a little longer to be freed:
# a few hundred kilobytes).
gc.collect()
gc.freeze()
gc.set_threshold(5000, *gc.get_threshold()[1:])
