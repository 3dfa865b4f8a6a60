"""What the import pages' tests share: a small Master.csv, the pages' URLs, a calls source
(the calls kind is registered by the telephony app; what an upload writes there is checked in
tests/test_call_imports.py)."""

from django.urls import reverse

from imports.models import ImportSource

# Three lines of an Asterisk Master.csv: two calls, and a third whose time does not exist.
MASTER = (
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-1","SIP/201-2","Dial","SIP/201",'
    b'"2026-03-02 09:00:00","2026-03-02 09:00:12","2026-03-02 09:03:12",192,180,"ANSWERED","DOCUMENTATION","1.1",""\n'
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-3","SIP/201-4","Dial","SIP/201",'
    b'"2026-03-02 09:05:00","","2026-03-02 09:05:40",40,0,"NO ANSWER","DOCUMENTATION","1.2",""\n'
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-5","SIP/201-6","Dial","SIP/201",'
    b'"2026-03-02 25:00:00","","",0,0,"ANSWERED","DOCUMENTATION","1.3",""\n'
)


def url(org, name, **kwargs):
    return reverse(f"imports:{name}", kwargs={"org_slug": org.slug, **kwargs})


def asterisk_source(org):
    return ImportSource.objects.create(
        organisation=org,
        kind="calls",
        name="asterisk",
        label="Standard Asterisk",
        file_format="asterisk_cdr",
        line_field="dst",
        line_map={"*": "accueil"},
    )
