"""`make demo`: a platform on the embedded defaults, seeded with demo subjects, users, CAs and certificates."""
