"""gunicorn's settings for Qualipilote (docs/deployment.md):

    gunicorn --config qualipilote/gunicorn.conf.py --bind 127.0.0.1:8000

It serves the WSGI application, logs each request with its id (the `X-Request-ID` the
application echoes) and without the client's address, and sends no `Server` header: the
software and version that answers is nobody's business. Anything here can be overridden on the
command line or in `GUNICORN_CMD_ARGS`."""

import gunicorn.http.wsgi

wsgi_app = "qualipilote.wsgi:application"
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def _without_server_header(default_headers):  # type: ignore[no-untyped-def]
    def headers(response):  # type: ignore[no-untyped-def]
        return [line for line in default_headers(response) if not line.lower().startswith("server:")]

    return headers


gunicorn.http.wsgi.Response.default_headers = _without_server_header(gunicorn.http.wsgi.Response.default_headers)
