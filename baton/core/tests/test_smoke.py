def test_personas_build(personas):
    r = personas["owner"].api().get("/api/v1/people")
    assert r.status_code == 200
    assert r.json()["count"] == 7  # six staff + the portal user
