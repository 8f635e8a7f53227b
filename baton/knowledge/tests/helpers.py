"""Request helpers for the knowledge tests."""

from __future__ import annotations


def post(api, url, data, **headers):
    return api.post(url, data, content_type="application/json", headers=headers)


def patch(api, url, data, version):
    return api.patch(url, data, content_type="application/json", headers={"If-Match": str(version)})


def put(api, url, data):
    return api.put(url, data, content_type="application/json")


def fields(response) -> list[str]:
    return sorted({e["field"] for e in response.json()["errors"]})
