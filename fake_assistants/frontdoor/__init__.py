"""Between a transport and the API: the front door (``door``) every transport knocks on, and what it applies before
the API router answers: Azure's paths (``azure``), faults on demand (``faults``) and rate limits (``ratelimits``)."""
