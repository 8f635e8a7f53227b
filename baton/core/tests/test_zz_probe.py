import json
def test_probe(personas):
    c = personas["owner"].api()
    r = c.post("/api/v1/clients", {"name": "client a"}, content_type="application/json")
    print("dup client", r.status_code, r.json())
    r = c.post("/api/v1/clients", {"name": "", "status": "bogus"}, content_type="application/json")
    print("bad client", r.status_code, r.json())
    r = c.get("/api/v1/clients?limit=501")
    print("limit", r.status_code, r.json())
    r = c.post("/api/v1/clients", "{bad", content_type="application/json")
    print("badjson", r.status_code, r["Content-Type"], r.content)
    r = personas["admin"].api().get("/api/v1/people", HTTP_AUTHORIZATION="Bearer nope")
    print("badtoken", r.status_code, r.content)
    try:
        r = c.post("/api/v1/people", {"name": "X", "email": "x@x.test", "role": "client", "client_id": 999999}, content_type="application/json")
        print("bad client id", r.status_code, r.content)
    except Exception as e:
        print("EXC", repr(e))
    r = c.get("/api/v1/people/%d" % personas["member"].person.id)
    print(r.json())
