"""One home per role, each designed around its first question (issue 17; PRODUCT.md). A module per home:
`build(actor)` gives the template's context, whose `figures` are what `GET /api/v1/home` answers."""
